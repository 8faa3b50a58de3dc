from datetime import date, datetime, time

import pytest
from django.utils import timezone

from cspr.accounts.roles import Role
from deadlines import calendar

from .factories import LONDON, ensure_rulebook


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Many users per test: the production hasher's cost is not what these tests are about.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """Each test starts from the calendar in its own database, not a previous test's."""
    calendar.invalidate()
    yield
    calendar.invalidate()


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


@pytest.fixture
def coordinator(make_user):
    return make_user(Role.COORDINATOR, username="coordinator", email="coordinator@example.org")


@pytest.fixture
def chair(make_user):
    return make_user(Role.CHAIR, username="chair", email="chair@example.org")


@pytest.fixture
def practitioner(make_user):
    return make_user(Role.PRACTITIONER, username="practitioner", email="practitioner@example.org")
