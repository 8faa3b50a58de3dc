"""Deadlines opened, met, waived and closed as a duplicate (deadlines.services.deadlines),
and what the audit trail says of each."""

from datetime import date

import pytest

from cspr.accounts.roles import Role
from cspr.audit.models import AuditEvent
from deadlines.models import Deadline
from deadlines.services import (
    DeadlineError,
    deadline_meet,
    deadline_open,
    deadline_waive,
    deadlines_close_for_duplicate,
    statutory_notification_record,
)

from ..factories import at, audit_rows, deadline

pytestmark = pytest.mark.django_db


def test_meet_in_time_is_met(case, coordinator):
    result = deadline_meet(
        referral=case, rule_code="report_to_partners", by=coordinator, now=at(date(2026, 3, 9), 23, 59)
    )
    assert (result.status, result.met_at, result.closed_by) == (
        Deadline.Status.MET,
        at(date(2026, 3, 9), 23, 59),
        coordinator,
    )


def test_meet_after_the_due_day_is_missed(case, coordinator):
    result = deadline_meet(
        referral=case, rule_code="report_to_partners", by=coordinator, now=at(date(2026, 3, 10), 0, 1)
    )
    assert result.status == Deadline.Status.MISSED
    assert result.met_late is True


def test_meet_with_no_open_deadline_is_a_no_op(case, coordinator):
    assert deadline_meet(referral=case, rule_code="rapid_review_start", by=coordinator) is None
    deadline_meet(referral=case, rule_code="report_to_partners", by=coordinator, now=at(date(2026, 3, 3)))
    assert (
        deadline_meet(
            referral=case, rule_code="report_to_partners", by=coordinator, now=at(date(2026, 3, 20))
        )
        is None
    )
    assert deadline(case, "report_to_partners").status == Deadline.Status.MET


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.CHAIR])
def test_waive_by_the_coordinator_or_chair_with_a_reason(case, make_user, role):
    user = make_user(role)
    result = deadline_waive(
        deadline=deadline(case, "subgroup_decision"), by=user, reason="  Police lead instead "
    )
    assert (result.status, result.waived_reason, result.waived_by) == (
        Deadline.Status.WAIVED,
        "Police lead instead",
        user,
    )
    assert AuditEvent.objects.for_object(case).filter(action="deadline.waived").count() == 1


@pytest.mark.parametrize("role", [Role.MEMBER, Role.AGENCY_LEAD, Role.PRACTITIONER, Role.ADMINISTRATOR])
def test_waive_refused_to_other_roles(case, make_user, role):
    with pytest.raises(DeadlineError, match="Only the partnership coordinator or the subgroup chair"):
        deadline_waive(deadline=deadline(case, "subgroup_decision"), by=make_user(role), reason="No")
    assert deadline(case, "subgroup_decision").status == Deadline.Status.OPEN


def test_waive_needs_a_reason(case, coordinator):
    with pytest.raises(DeadlineError) as error:
        deadline_waive(deadline=deadline(case, "subgroup_decision"), by=coordinator, reason="   ")
    assert (error.value.message, error.value.field) == ("Enter why the deadline is being waived", "reason")


def test_waive_twice_with_the_same_reason_is_harmless_but_a_closed_deadline_cannot_be_waived(
    case, coordinator
):
    target = deadline(case, "subgroup_decision")
    deadline_waive(deadline=target, by=coordinator, reason="Duplicate of another review")
    deadline_waive(deadline=target, by=coordinator, reason="Duplicate of another review")
    assert AuditEvent.objects.filter(action="deadline.waived").count() == 1
    with pytest.raises(DeadlineError, match="already closed"):
        deadline_waive(deadline=deadline(case, "refer_to_partnership"), by=coordinator, reason="x")


def test_duplicate_closes_every_open_deadline_and_only_those(case, coordinator):
    closed = deadlines_close_for_duplicate(referral=case, by=coordinator, now=at(date(2026, 3, 3)))
    assert {d.rule.code for d in closed} == {
        "notify_national_panel",
        "report_to_partners",
        "notify_sos_ofsted",
        "subgroup_decision",
    }
    statuses = dict(Deadline.objects.filter(referral=case).values_list("rule__code", "status"))
    assert statuses["refer_to_partnership"] == Deadline.Status.MET
    assert {s for code, s in statuses.items() if code != "refer_to_partnership"} == {
        Deadline.Status.DUPLICATE
    }
    assert deadlines_close_for_duplicate(referral=case, by=coordinator) == []


def test_later_stage_deadline_opened_by_the_lifecycle_can_be_waived(case, chair):
    opened = deadline_open(referral=case, rule_code="rapid_review_start", anchor=date(2026, 3, 6), by=chair)
    deadline_waive(deadline=opened, by=chair, reason="No rapid review after all")
    assert Deadline.objects.get(pk=opened.pk).status == Deadline.Status.WAIVED


def test_meet_late_is_audited_as_missed_with_its_actor(case, coordinator):
    deadline_meet(referral=case, rule_code="report_to_partners", by=coordinator, now=at(date(2026, 3, 10)))
    assert audit_rows(action="deadline.missed") == [
        (
            "deadline.missed",
            coordinator.username,
            "Deadline 'report_to_partners' met late at 2026-03-10T09:00+00:00 (due 2026-03-09)",
        )
    ]


def test_duplicate_closing_is_audited_on_the_case(case, coordinator):
    deadlines_close_for_duplicate(referral=case, by=coordinator, now=at(date(2026, 3, 3)))
    [event] = AuditEvent.objects.for_object(case).filter(action="deadline.closed_duplicate")
    assert event.actor == coordinator
    assert event.summary == (
        "Deadlines closed as the referral is a duplicate: "
        "notify_national_panel, report_to_partners, notify_sos_ofsted, subgroup_decision"
    )


def test_audit_trail_keeps_out_the_waiving_reason_and_the_notification_reference(case, coordinator):
    deadline_waive(
        deadline=deadline(case, "subgroup_decision"),
        by=coordinator,
        reason="Family of Jamie Example moved away",
    )
    statutory_notification_record(
        referral=case,
        kind="notify_national_panel",
        notified_on=date(2026, 3, 3),
        reference="SIN-SECRET-9",
        by=coordinator,
        now=at(date(2026, 3, 3)),
    )
    summaries = " ".join(AuditEvent.objects.values_list("summary", flat=True))
    assert "Jamie" not in summaries and "SIN-SECRET-9" not in summaries
    assert "Deadline 'subgroup_decision' waived (reason recorded)" in summaries


def test_opening_deadlines_names_the_anchor_by_kind_never_the_incident_date(case):
    summaries = AuditEvent.objects.for_object(case).filter(action="deadline.opened")
    assert set(summaries.values_list("summary", flat=True)) == {
        "Deadline 'refer_to_partnership' opened: counted from the practitioner becoming aware of the "
        "incident, due 2026-03-03",
        "Deadline 'notify_national_panel' opened: counted from the local authority becoming aware of the "
        "incident, due 2026-03-09",
        "Deadline 'report_to_partners' opened: counted from the local authority becoming aware of the "
        "incident, due 2026-03-09",
        "Deadline 'notify_sos_ofsted' opened: counted from the local authority becoming aware of the "
        "incident, due 2026-03-09",
        "Deadline 'subgroup_decision' opened: counted from the incident, due 2026-03-04",
    }
    everything = " ".join(AuditEvent.objects.for_object(case).values_list("summary", flat=True))
    # The incident was on Wed 25 Feb 2026.
    for day in ("2026-02-25", "25 Feb", "20260225"):
        assert day not in everything


def test_opening_a_deadline_counted_from_an_event_names_its_date(case, chair):
    deadline_open(referral=case, rule_code="rapid_review_start", anchor=date(2026, 3, 6), by=chair)
    event = AuditEvent.objects.for_object(case).filter(action="deadline.opened").latest("pk")
    assert event.summary == (
        "Deadline 'rapid_review_start' opened: counted from the event on 2026-03-06, due 2026-03-13"
    )
