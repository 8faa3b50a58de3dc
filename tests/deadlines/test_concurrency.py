"""Two sweeps at once, and a sweep meeting a deadline someone else has locked (PostgreSQL)."""

import threading
from datetime import date

import pytest
from django.db import connection, transaction

from cspr.notifications.models import Notification
from deadlines.models import Deadline
from deadlines.services import deadline_sweep

from ..conftest import need_postgresql
from .factories import at, contacts_for_every_role, submitted_case

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

THU_5_MAR = at(date(2026, 3, 5), 9)


@pytest.fixture
def cases(rulebook, practitioner, coordinator, chair):
    need_postgresql()
    contacts_for_every_role()
    return [
        submitted_case(
            author=practitioner, submitted_at=at(date(2026, 3, 2), 11), incident_date=date(2026, 2, 25)
        )
        for _ in range(6)
    ]


def in_thread(target, *args):
    errors = []

    def run():
        try:
            target(*args)
        except Exception as exc:  # noqa: BLE001 - reported to the test below
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


def test_two_sweeps_at_once_write_each_reminder_once(cases):
    barrier = threading.Barrier(2)

    def sweep():
        barrier.wait()
        deadline_sweep(now=THU_5_MAR, batch_size=2)

    threads = [in_thread(sweep) for _ in range(2)]
    for thread, errors in threads:
        thread.join(30)
        assert errors == []
    keys = list(Notification.objects.values_list("key", flat=True))
    assert len(keys) == len(set(keys))
    # Each case: subgroup overdue (4 recipients) + two LA reminders (2 recipients each).
    assert len(keys) == 6 * (4 + 2 + 2)
    assert Deadline.objects.open().exclude(reminded_stage="").count() == 18


def test_a_locked_deadline_is_skipped_and_picked_up_by_the_next_sweep(cases):
    locked = Deadline.objects.get(referral=cases[0], rule__code="subgroup_decision")
    holding, release = threading.Event(), threading.Event()

    def hold_lock():
        with transaction.atomic():
            Deadline.objects.select_for_update().get(pk=locked.pk)
            holding.set()
            release.wait(30)

    thread, errors = in_thread(hold_lock)
    assert holding.wait(30)
    try:
        first = deadline_sweep(now=THU_5_MAR)
    finally:
        release.set()
        thread.join(30)
    assert errors == []
    assert first.examined == 17
    assert Deadline.objects.get(pk=locked.pk).reminded_stage == ""
    second = deadline_sweep(now=at(date(2026, 3, 5), 9, 5))
    assert (second.overdue, second.rows_written) == (1, 4)
    assert Deadline.objects.get(pk=locked.pk).reminded_stage == "overdue:2026-03-05"
