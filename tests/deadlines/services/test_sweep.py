import logging
from datetime import date, time, timedelta

import pytest
from django.core import mail
from django.db import connection

from cspr.notifications.models import Notification
from cspr.notifications.services import notification_deliver
from deadlines.models import Deadline, DeadlineRule
from deadlines.services import deadline_meet, deadline_sweep, deadline_waive, statutory_notification_record
from deadlines.services import sweep as services
from deadlines.tasks import deadline_sweep_task
from referrals.lifecycle.states import CaseStatus

from ...referrals.factories import CHILD_ADDRESS, CHILD_NAME, FAMILY_NAME, SUMMARY, FamilyMemberFactory
from ..factories import at, contacts_for_every_role, submitted_case

pytestmark = pytest.mark.django_db

# Submitted Mon 2 Mar 2026; incident Wed 25 Feb. Due: subgroup decision Wed 4 Mar;
# National Panel and partners Mon 9 Mar (reminders 2 and 1 working days before: Thu 5, Fri 6).
SUBMITTED = at(date(2026, 3, 2), 11)


@pytest.fixture
def contacts(db):
    return contacts_for_every_role()


@pytest.fixture
def case(practitioner, coordinator, chair, contacts):
    return submitted_case(author=practitioner, submitted_at=SUBMITTED, incident_date=date(2026, 2, 25))


def event_keys(since_pk=0) -> set[str]:
    return {
        key.split("|")[0]
        for key in Notification.objects.filter(pk__gt=since_pk).values_list("key", flat=True)
    }


def short(case, keys) -> set[str]:
    """'deadline:<pk>:due:2026-03-04' -> 'subgroup_decision due:2026-03-04'."""
    codes = dict(Deadline.objects.filter(referral=case).values_list("pk", "rule__code"))
    out = set()
    for key in keys:
        _, pk, stage = key.split(":", 2)
        out.add(f"{codes[int(pk)]} {stage}")
    return out


def last_pk() -> int:
    return Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_reminders_due_and_overdue_on_the_right_working_days(case):
    written = {}
    for day in [date(2026, 3, d) for d in (2, 3, 4, 5, 6, 7, 8, 9, 10)]:
        before = last_pk()
        deadline_sweep(now=at(day, 9))
        written[day.day] = short(case, event_keys(before))
    assert written == {
        2: {"subgroup_decision reminder:2026-03-02"},
        3: {"subgroup_decision reminder:2026-03-03"},
        4: {"subgroup_decision due:2026-03-04"},
        5: {
            "subgroup_decision overdue:2026-03-05",
            "notify_national_panel reminder:2026-03-05",
            "report_to_partners reminder:2026-03-05",
        },
        6: {
            "subgroup_decision overdue:2026-03-06",
            "notify_national_panel reminder:2026-03-06",
            "report_to_partners reminder:2026-03-06",
        },
        7: set(),  # Saturday: nothing new
        8: set(),
        9: {
            "subgroup_decision overdue:2026-03-09",
            "notify_national_panel due:2026-03-09",
            "report_to_partners due:2026-03-09",
        },
        10: {
            "subgroup_decision overdue:2026-03-10",
            "notify_national_panel overdue:2026-03-10",
            "report_to_partners overdue:2026-03-10",
        },
    }


def test_overdue_starts_just_after_midnight_of_the_due_day(case):
    deadline_sweep(now=at(date(2026, 3, 4), 23, 58))
    assert "subgroup_decision due:2026-03-04" in short(case, event_keys())
    before = last_pk()
    deadline_sweep(now=at(date(2026, 3, 5), 0, 1))
    assert {k for k in short(case, event_keys(before)) if k.startswith("subgroup")} == {
        "subgroup_decision overdue:2026-03-05"
    }


def test_running_twice_writes_nothing_more(case):
    first = deadline_sweep(now=at(date(2026, 3, 5), 9))
    count = Notification.objects.count()
    second = deadline_sweep(now=at(date(2026, 3, 5), 9, 5))
    assert first.rows_written == count > 0
    assert second.rows_written == 0
    assert Notification.objects.count() == count


def test_a_reminder_stage_already_in_the_outbox_is_not_written_again(case):
    deadline_sweep(now=at(date(2026, 3, 5), 9))
    count = Notification.objects.count()
    # As if the deadline rows had lost track (a restore from backup): the outbox's keys still hold.
    Deadline.objects.update(reminded_stage="")
    summary = deadline_sweep(now=at(date(2026, 3, 5), 9, 5))
    assert summary.rows_written == 0
    assert Notification.objects.count() == count


def test_missed_runs_send_the_latest_reminder_owed_and_nothing_stale(case):
    deadline_sweep(now=at(date(2026, 3, 9), 9))  # first run since submission
    assert short(case, event_keys()) == {
        "subgroup_decision overdue:2026-03-09",
        "notify_national_panel due:2026-03-09",
        "report_to_partners due:2026-03-09",
    }


def test_missed_runs_never_lose_the_overdue_escalation(case):
    DeadlineRule.objects.filter(code="subgroup_decision").update(repeat_overdue=False)
    deadline_sweep(now=at(date(2026, 3, 12), 9))
    deadline_sweep(now=at(date(2026, 3, 13), 9))
    assert {k for k in short(case, event_keys()) if k.startswith("subgroup")} == {
        "subgroup_decision overdue:2026-03-05"
    }


def test_clock_moved_back_sends_nothing_already_superseded(case):
    deadline_sweep(now=at(date(2026, 3, 9), 9))
    count = Notification.objects.count()
    deadline_sweep(now=at(date(2026, 3, 6), 9))
    assert Notification.objects.count() == count


def test_met_and_waived_deadlines_are_silent(case, coordinator):
    deadline_meet(referral=case, rule_code="notify_national_panel", by=coordinator, now=at(date(2026, 3, 4)))
    deadline_waive(
        deadline=Deadline.objects.get(referral=case, rule__code="subgroup_decision"),
        by=coordinator,
        reason="Handled by a neighbouring partnership",
        now=at(date(2026, 3, 4)),
    )
    for day in (5, 6, 9, 10):
        deadline_sweep(now=at(date(2026, 3, day), 9))
    assert {k.split(" ")[0] for k in short(case, event_keys())} == {"report_to_partners"}


@pytest.mark.parametrize("status", [CaseStatus.WITHDRAWN, CaseStatus.DUPLICATE])
def test_cases_no_longer_running_are_silent(practitioner, coordinator, contacts, status):
    submitted_case(author=practitioner, submitted_at=SUBMITTED, status=status)
    deadline_sweep(now=at(date(2026, 3, 10), 9))
    assert Notification.objects.count() == 0


def test_reminder_and_escalation_recipients(case, coordinator, chair):
    deadline_sweep(now=at(date(2026, 3, 3), 9))
    reminder = set(Notification.objects.values_list("recipient_email", flat=True))
    # subgroup decision: chair and coordinator users, and the subgroup chair's contact.
    assert reminder == {"chair@example.org", "coordinator@example.org", "subgroup_chair@example.org"}
    before = last_pk()
    deadline_sweep(now=at(date(2026, 3, 5), 9))
    overdue = set(
        Notification.objects.filter(pk__gt=before, event="deadline_overdue").values_list(
            "recipient_email", flat=True
        )
    )
    assert overdue == reminder | {"la_service_leader_qa@example.org"}
    la = set(
        Notification.objects.filter(pk__gt=before, event="deadline_reminder").values_list(
            "recipient_email", flat=True
        )
    )
    assert la == {"coordinator@example.org", "la_service_leader_qa@example.org"}


def test_the_referrer_is_reminded_when_the_rule_says_so(case, practitioner):
    DeadlineRule.objects.filter(code="report_to_partners").update(remind_referrer=True)
    deadline_sweep(now=at(date(2026, 3, 5), 9))
    assert (
        Notification.objects.filter(recipient_email=practitioner.email, event="deadline_reminder").count()
        == 1
    )


def test_inactive_contacts_and_users_are_not_reminded(case, coordinator, contacts):
    coordinator.is_active = False
    coordinator.save()
    contacts["subgroup_chair"].active = False
    contacts["subgroup_chair"].save()
    deadline_sweep(now=at(date(2026, 3, 3), 9))
    assert set(Notification.objects.values_list("recipient_email", flat=True)) == {"chair@example.org"}


def test_no_child_or_family_details_in_any_reminder(case):
    FamilyMemberFactory(referral=case)
    for day in (3, 4, 5, 9):
        deadline_sweep(now=at(date(2026, 3, day), 9))
    assert Notification.objects.count() > 0
    for pk in Notification.objects.values_list("pk", flat=True):
        notification_deliver(notification_id=pk)
    assert len(mail.outbox) == Notification.objects.count()
    for message in mail.outbox:
        text = message.subject + message.body
        for secret in (CHILD_NAME, CHILD_ADDRESS, FAMILY_NAME, SUMMARY, "Fernsby", "2019"):
            assert secret not in text
        assert case.reference in message.subject
        assert f"https://cspr.example.org/referrals/{case.pk}/#deadlines" in message.body


def test_reminder_texts(case):
    deadline_sweep(now=at(date(2026, 3, 5), 9))
    for pk in Notification.objects.values_list("pk", flat=True):
        notification_deliver(notification_id=pk)
    subjects = sorted({m.subject for m in mail.outbox})
    assert subjects == sorted(
        [
            f"Overdue – {case.reference}: Subgroup decides whether to hold a rapid review, and with which organisations",
            f"{case.reference}: Notify the National Panel (serious incident notification) is due Mon 9 Mar 2026",
            f"{case.reference}: Report the incident to the safeguarding partners is due Mon 9 Mar 2026",
        ]
    )
    overdue = next(m for m in mail.outbox if m.subject.startswith("Overdue"))
    assert "It was due by the end of Wed 4 Mar 2026 and is overdue by 1 working day." in overdue.body
    reminder = next(m for m in mail.outbox if "National Panel" in m.subject)
    assert "This is due by the end of Mon 9 Mar 2026, in 2 working days." in reminder.body


def test_a_sweep_killed_mid_way_loses_and_repeats_nothing(case, monkeypatch):
    real = services._reminder_item
    calls = {"n": 0}

    def dying(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "_reminder_item", dying)
    with pytest.raises(RuntimeError):
        deadline_sweep(now=at(date(2026, 3, 5), 9), batch_size=1)
    assert Deadline.objects.exclude(reminded_stage="").count() == 1  # the first batch committed
    monkeypatch.setattr(services, "_reminder_item", real)
    deadline_sweep(now=at(date(2026, 3, 5), 9, 5), batch_size=1)
    assert short(case, event_keys()) == {
        "subgroup_decision overdue:2026-03-05",
        "notify_national_panel reminder:2026-03-05",
        "report_to_partners reminder:2026-03-05",
    }
    keys = list(Notification.objects.values_list("key", flat=True))
    assert len(keys) == len(set(keys))


# A sweep batch: the rules, a savepoint, the locked read, the recipients (two user and
# three contact look-ups, once per sweep), the outbox's existing keys, insert and
# read-back, the reminder update, the savepoint's release.
SWEEP_QUERIES = 14


@pytest.mark.parametrize("cases", [10, 100])
def test_sweep_queries_do_not_grow_with_the_deadlines_owed(
    practitioner, coordinator, chair, contacts, cases, monkeypatch, django_assert_max_num_queries
):
    # SQLite's backend splits one bulk insert into statements of 999 parameters, where
    # PostgreSQL sends one; count statements as PostgreSQL runs them.
    monkeypatch.setattr(connection.ops, "bulk_batch_size", lambda fields, objs: len(objs))
    for _ in range(cases):
        submitted_case(author=practitioner, submitted_at=SUBMITTED, incident_date=date(2026, 2, 25))
    # Thu 5 Mar: per case one overdue subgroup decision and two LA reminders.
    with django_assert_max_num_queries(SWEEP_QUERIES):
        summary = deadline_sweep(now=at(date(2026, 3, 5), 9))
    assert (summary.reminders, summary.overdue, summary.batches) == (2 * cases, cases, 1)
    assert summary.rows_written == Notification.objects.count() == 8 * cases
    # Nothing owed: a handful of queries however many deadlines are open.
    with django_assert_max_num_queries(4):
        summary = deadline_sweep(now=at(date(2026, 3, 5), 9, 5))
    assert (summary.examined, summary.rows_written) == (3 * cases, 0)


def test_sweep_queries_per_batch_do_not_grow_with_the_batch(
    practitioner, coordinator, chair, contacts, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(connection.ops, "bulk_batch_size", lambda fields, objs: len(objs))
    for _ in range(12):
        submitted_case(author=practitioner, submitted_at=SUBMITTED, incident_date=date(2026, 2, 25))
    # 36 deadlines owe something, in batches of 10: 4 batches, each read, outbox write
    # (3 queries), update and savepoint pair, after the rules and recipients once, and
    # the empty read that ends the sweep is not needed as the last batch is short.
    with django_assert_max_num_queries(1 + 5 + 4 * 7):
        summary = deadline_sweep(now=at(date(2026, 3, 5), 9), batch_size=10)
    assert (summary.batches, summary.examined, summary.rows_written) == (4, 36, 96)


def test_sweep_reads_only_deadlines_close_enough_to_owe_something(case):
    summary = deadline_sweep(now=at(date(2026, 3, 2), 9))
    # Subgroup decision (due Wed 4) is within reach; the LA deadlines (Mon 9) are not yet.
    assert summary.examined == 1


def test_task_runs_the_sweep_and_logs_one_line(case, caplog):
    caplog.set_level(logging.INFO, logger="deadlines.services.sweep")
    result = deadline_sweep_task()
    assert result.startswith("deadline sweep: examined=")
    lines = [r.getMessage() for r in caplog.records if r.name == "deadlines.services.sweep"]
    assert len(lines) == 1 and lines[0] == result
    assert CHILD_NAME not in lines[0]


def test_management_command_runs_the_sweep(case, clock):
    from io import StringIO

    from django.core.management import call_command

    clock.set(date(2026, 3, 5))
    out = StringIO()
    call_command("deadline_sweep", stdout=out)
    assert out.getvalue().startswith("deadline sweep: examined=3 reminders=2 due=0 overdue=1")
    assert Notification.objects.count() > 0


# --- the beat task against a moving clock ------------------------------------------------


def keys_written_by_task(case) -> set[str]:
    before = last_pk()
    deadline_sweep_task()
    return short(case, event_keys(before))


def test_beat_runs_doubled_missed_and_a_clock_moved_forward_send_each_reminder_once(case, clock):
    clock.set(date(2026, 3, 2), time(9, 0))
    assert keys_written_by_task(case) == {"subgroup_decision reminder:2026-03-02"}
    # The beat runs twice in the same minute.
    assert keys_written_by_task(case) == set()
    # Beats missed from Monday morning to Thursday: only what is owed now, no stale
    # reminder or due-day message for the subgroup decision.
    clock.set(date(2026, 3, 5), time(9, 0))
    assert keys_written_by_task(case) == {
        "subgroup_decision overdue:2026-03-05",
        "notify_national_panel reminder:2026-03-05",
        "report_to_partners reminder:2026-03-05",
    }
    # The server clock jumps to Tuesday, then is put right.
    clock.set(date(2026, 3, 10), time(9, 0))
    jumped = keys_written_by_task(case)
    assert jumped == {
        "subgroup_decision overdue:2026-03-10",
        "notify_national_panel overdue:2026-03-10",
        "report_to_partners overdue:2026-03-10",
    }
    for day in (6, 9, 10):
        clock.set(date(2026, 3, day), time(9, 30))
        assert keys_written_by_task(case) == set(), day
    # Real time catches up: the next working day's reminders carry on.
    clock.set(date(2026, 3, 11), time(9, 0))
    assert keys_written_by_task(case) == {
        "subgroup_decision overdue:2026-03-11",
        "notify_national_panel overdue:2026-03-11",
        "report_to_partners overdue:2026-03-11",
    }
    keys = list(Notification.objects.values_list("key", flat=True))
    assert len(keys) == len(set(keys))


def test_reminders_skip_easter_and_fall_on_working_days(practitioner, coordinator, chair, contacts, clock):
    # Submitted Tue 31 Mar 2026, incident Mon 30 Mar. Subgroup decision due Wed 8 Apr,
    # the LA's deadlines Thu 9 Apr: Good Friday and Easter Monday are not counted.
    case = submitted_case(
        author=practitioner, submitted_at=at(date(2026, 3, 31), 11), incident_date=date(2026, 3, 30)
    )
    written = {}
    for day in (date(2026, 3, 31) + timedelta(days=n) for n in range(11)):
        clock.set(day, time(9, 0))
        written[day.isoformat()] = keys_written_by_task(case)
    la = ("notify_national_panel", "report_to_partners")
    assert written == {
        "2026-03-31": set(),
        "2026-04-01": set(),
        "2026-04-02": {"subgroup_decision reminder:2026-04-02"},
        "2026-04-03": set(),  # Good Friday
        "2026-04-04": set(),
        "2026-04-05": set(),
        "2026-04-06": set(),  # Easter Monday
        "2026-04-07": {"subgroup_decision reminder:2026-04-07"} | {f"{c} reminder:2026-04-07" for c in la},
        "2026-04-08": {"subgroup_decision due:2026-04-08"} | {f"{c} reminder:2026-04-08" for c in la},
        "2026-04-09": {"subgroup_decision overdue:2026-04-09"} | {f"{c} due:2026-04-09" for c in la},
        "2026-04-10": {"subgroup_decision overdue:2026-04-10"} | {f"{c} overdue:2026-04-10" for c in la},
    }


def test_a_deadline_met_between_beats_gets_nothing_more(case, coordinator, clock):
    clock.set(date(2026, 3, 5), time(9, 0))
    assert "notify_national_panel reminder:2026-03-05" in keys_written_by_task(case)
    clock.set(date(2026, 3, 5), time(14, 0))
    statutory_notification_record(
        referral=case,
        kind="notify_national_panel",
        notified_on=date(2026, 3, 5),
        reference="SIN-1",
        by=coordinator,
    )
    for day in (6, 9, 10, 11):
        clock.set(date(2026, 3, day), time(9, 0))
        assert not any(k.startswith("notify_national_panel") for k in keys_written_by_task(case)), day
