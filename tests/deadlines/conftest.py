from datetime import date, datetime, time

import pytest
from django.utils import timezone

from .factories import LONDON, ensure_rulebook


class Clock:
    """The time seen by timezone.now(); tests move it forward (or back) as they please."""

    def __init__(self, now: datetime):
        self.now = now

    def set(self, day: date, at: time = time(9, 0)) -> datetime:
        self.now = datetime.combine(day, at, tzinfo=LONDON)
        return self.now

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(datetime(2026, 3, 2, 9, 0, tzinfo=LONDON))
    monkeypatch.setattr(timezone, "now", clock)
    return clock


@pytest.fixture
def rulebook(transactional_db):
    """The seeded rulebook, put back if an earlier transactional test flushed the tables."""
    ensure_rulebook()
