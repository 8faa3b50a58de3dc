from datetime import date

import pytest

from cspr.accounts.roles import Role
from cspr.audit.models import AuditEvent
from deadlines.models import CalendarFeedToken, ClosureDay, Deadline, DeadlineRule, StatutoryNotification
from deadlines.services import (
    DeadlineError,
    calendar_day_save,
    calendar_days_delete,
    calendar_feed_token_create,
    calendar_feed_token_revoke,
    deadline_meet,
    deadline_open,
    deadline_reanchor,
    deadline_rule_save,
    deadline_waive,
    deadlines_close_for_duplicate,
    statutory_notification_record,
)
from referrals.lifecycle.states import CaseStatus

from .factories import at, submitted_case

pytestmark = pytest.mark.django_db

MON_2_MAR = at(date(2026, 3, 2), 11)


@pytest.fixture
def case(practitioner):
    return submitted_case(
        author=practitioner, submitted_at=MON_2_MAR, incident_date=date(2026, 2, 25), looked_after_death=True
    )


def deadline(case, code) -> Deadline:
    return Deadline.objects.select_related("rule").get(referral=case, rule__code=code)


# --- meeting -----------------------------------------------------------------------


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


# --- waiving -----------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.CHAIR])
def test_coordinator_or_chair_can_waive_with_a_reason(case, make_user, role):
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
def test_others_cannot_waive(case, make_user, role):
    with pytest.raises(DeadlineError, match="Only the partnership coordinator or the subgroup chair"):
        deadline_waive(deadline=deadline(case, "subgroup_decision"), by=make_user(role), reason="No")
    assert deadline(case, "subgroup_decision").status == Deadline.Status.OPEN


def test_waiving_needs_a_reason(case, coordinator):
    with pytest.raises(DeadlineError) as error:
        deadline_waive(deadline=deadline(case, "subgroup_decision"), by=coordinator, reason="   ")
    assert (error.value.message, error.value.field) == ("Enter why the deadline is being waived", "reason")


def test_waiving_twice_with_the_same_reason_is_harmless_but_a_closed_deadline_cannot_be_waived(
    case, coordinator
):
    target = deadline(case, "subgroup_decision")
    deadline_waive(deadline=target, by=coordinator, reason="Duplicate of another review")
    deadline_waive(deadline=target, by=coordinator, reason="Duplicate of another review")
    assert AuditEvent.objects.filter(action="deadline.waived").count() == 1
    with pytest.raises(DeadlineError, match="already closed"):
        deadline_waive(deadline=deadline(case, "refer_to_partnership"), by=coordinator, reason="x")


# --- duplicates --------------------------------------------------------------------


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


# --- the LA awareness date ----------------------------------------------------------


# --- statutory notifications ---------------------------------------------------------


def test_recording_the_national_panel_notification_meets_its_deadline(case, coordinator):
    record = statutory_notification_record(
        referral=case,
        kind="notify_national_panel",
        notified_on=date(2026, 3, 5),
        reference="SIN-2026-0042",
        by=coordinator,
        now=at(date(2026, 3, 6), 10),
    )
    assert (record.kind, record.notified_on, record.reference) == (
        "notify_national_panel",
        date(2026, 3, 5),
        "SIN-2026-0042",
    )
    met = deadline(case, "notify_national_panel")
    assert (met.status, met.met_at) == (Deadline.Status.MET, at(date(2026, 3, 5), 23, 59).replace(second=59))
    assert AuditEvent.objects.for_object(case).filter(action="statutory_notification.recorded").count() == 1


def test_recording_a_late_notification_marks_the_deadline_missed(case, coordinator):
    statutory_notification_record(
        referral=case,
        kind="report_to_partners",
        notified_on=date(2026, 3, 10),
        by=coordinator,
        now=at(date(2026, 3, 10), 10),
    )
    late = deadline(case, "report_to_partners")
    assert (late.status, late.met_at) == (Deadline.Status.MISSED, at(date(2026, 3, 10), 10))


def test_sos_and_ofsted_notification_meets_its_deadline(case, coordinator):
    statutory_notification_record(
        referral=case,
        kind="notify_sos_ofsted",
        notified_on=date(2026, 3, 3),
        by=coordinator,
        now=at(date(2026, 3, 3), 12),
    )
    assert deadline(case, "notify_sos_ofsted").status == Deadline.Status.MET


def test_sos_and_ofsted_notification_only_for_a_looked_after_childs_death(practitioner, coordinator):
    other = submitted_case(author=practitioner, submitted_at=MON_2_MAR)
    with pytest.raises(DeadlineError, match="only of the death of a looked-after child"):
        statutory_notification_record(
            referral=other,
            kind="notify_sos_ofsted",
            notified_on=date(2026, 3, 3),
            by=coordinator,
            now=at(date(2026, 3, 3)),
        )


def test_national_panel_notification_needs_its_reference(case, coordinator):
    with pytest.raises(DeadlineError) as error:
        statutory_notification_record(
            referral=case,
            kind="notify_national_panel",
            notified_on=date(2026, 3, 3),
            by=coordinator,
            now=at(date(2026, 3, 3)),
        )
    assert error.value.field == "reference"
    assert not StatutoryNotification.objects.exists()


def test_notification_date_cannot_be_in_the_future(case, coordinator):
    with pytest.raises(DeadlineError, match="today or in the past"):
        statutory_notification_record(
            referral=case,
            kind="report_to_partners",
            notified_on=date(2026, 3, 4),
            by=coordinator,
            now=at(date(2026, 3, 3)),
        )


def test_recording_twice_makes_one_record_and_different_details_are_refused(case, coordinator):
    kwargs = dict(referral=case, kind="report_to_partners", notified_on=date(2026, 3, 3), by=coordinator)
    first = statutory_notification_record(**kwargs, now=at(date(2026, 3, 3)))
    again = statutory_notification_record(**kwargs, now=at(date(2026, 3, 3)))
    assert again.pk == first.pk
    with pytest.raises(DeadlineError, match="already recorded"):
        statutory_notification_record(**{**kwargs, "notified_on": date(2026, 3, 2)}, now=at(date(2026, 3, 3)))
    assert StatutoryNotification.objects.count() == 1
    assert AuditEvent.objects.filter(action="statutory_notification.recorded").count() == 1


def test_practitioners_cannot_record_notifications(case, practitioner):
    with pytest.raises(DeadlineError, match="Only the partnership coordinator"):
        statutory_notification_record(
            referral=case,
            kind="report_to_partners",
            notified_on=date(2026, 3, 3),
            by=practitioner,
            now=at(date(2026, 3, 3)),
        )


# --- calendar and rule changes -------------------------------------------------------


def test_adding_a_closure_day_moves_affected_open_deadlines_and_audits_them(case, make_user):
    admin = make_user(Role.ADMINISTRATOR)
    moves = calendar_day_save(
        day_obj=ClosureDay(day=date(2026, 3, 4), reason="office move"), by=admin, now=MON_2_MAR
    )
    moved = {m.rule_label: (m.old_due, m.new_due) for m in moves}
    assert moved == {
        **{
            deadline(case, code).rule.label: (date(2026, 3, 9), date(2026, 3, 10))
            for code in ("notify_national_panel", "report_to_partners", "notify_sos_ofsted")
        },
        deadline(case, "subgroup_decision").rule.label: (date(2026, 3, 4), date(2026, 3, 5)),
    }
    assert deadline(case, "refer_to_partnership").due_date == date(2026, 3, 3)  # met: unchanged
    assert "closure day: office move" in deadline(case, "report_to_partners").explanation
    assert AuditEvent.objects.for_object(case).filter(action="deadline.moved").count() == 4
    summary = AuditEvent.objects.get(action="calendar.changed").summary
    assert "4 open deadline(s) moved" in summary and case.reference in summary


def test_removing_the_closure_day_moves_them_back(case, make_user):
    admin = make_user(Role.ADMINISTRATOR)
    calendar_day_save(day_obj=ClosureDay(day=date(2026, 3, 4), reason="office move"), by=admin, now=MON_2_MAR)
    moves = calendar_days_delete(day_objs=ClosureDay.objects.all(), by=admin, now=MON_2_MAR)
    assert {(m.old_due, m.new_due) for m in moves} == {
        (date(2026, 3, 10), date(2026, 3, 9)),
        (date(2026, 3, 5), date(2026, 3, 4)),
    }
    assert deadline(case, "report_to_partners").due_date == date(2026, 3, 9)


def test_a_closure_outside_every_open_deadline_moves_nothing(case, make_user):
    moves = calendar_day_save(
        day_obj=ClosureDay(day=date(2026, 6, 1), reason="training"),
        by=make_user(Role.ADMINISTRATOR),
        now=MON_2_MAR,
    )
    assert moves == []


def test_changing_a_rule_recomputes_its_open_deadlines(case, make_user):
    rule = DeadlineRule.objects.get(code="subgroup_decision")
    rule.length = 3
    moves = deadline_rule_save(rule=rule, by=make_user(Role.ADMINISTRATOR))
    assert [(m.old_due, m.new_due) for m in moves] == [(date(2026, 3, 4), date(2026, 3, 2))]
    assert deadline(case, "subgroup_decision").due_date == date(2026, 3, 2)


def test_moving_a_deadline_resets_its_reminders(case, make_user):
    Deadline.objects.filter(referral=case).update(reminded_stage="reminder:2026-03-05")
    calendar_day_save(
        day_obj=ClosureDay(day=date(2026, 3, 4), reason="office move"),
        by=make_user(Role.ADMINISTRATOR),
        now=MON_2_MAR,
    )
    assert deadline(case, "report_to_partners").reminded_stage == ""


def test_later_stage_deadline_opened_by_the_lifecycle_can_be_waived(case, chair):
    opened = deadline_open(referral=case, rule_code="rapid_review_start", anchor=date(2026, 3, 6), by=chair)
    deadline_waive(deadline=opened, by=chair, reason="No rapid review after all")
    assert Deadline.objects.get(pk=opened.pk).status == Deadline.Status.WAIVED


# --- calendar feed addresses ---------------------------------------------------------


def test_feed_address_is_created_once_per_form_and_replaced_on_request(coordinator):
    first = calendar_feed_token_create(user=coordinator, replaces=None)
    again = calendar_feed_token_create(user=coordinator, replaces=None)  # the same form posted twice
    assert again.pk == first.pk
    second = calendar_feed_token_create(user=coordinator, replaces=first.pk)
    assert second.pk != first.pk and second.token != first.token
    assert list(CalendarFeedToken.objects.active().filter(user=coordinator)) == [second]
    assert calendar_feed_token_revoke(user=coordinator) == 1
    assert not CalendarFeedToken.objects.active().filter(user=coordinator).exists()
    assert calendar_feed_token_revoke(user=coordinator) == 0


def test_withdrawn_case_deadlines_are_not_recorded_against(practitioner, coordinator):
    withdrawn = submitted_case(author=practitioner, submitted_at=MON_2_MAR, status=CaseStatus.WITHDRAWN)
    with pytest.raises(DeadlineError, match="only for a submitted case"):
        statutory_notification_record(
            referral=withdrawn,
            kind="report_to_partners",
            notified_on=date(2026, 3, 3),
            by=coordinator,
            now=at(date(2026, 3, 3)),
        )


# --- the audit trail -------------------------------------------------------------------


def audit_rows(**filters):
    return list(AuditEvent.objects.filter(**filters).values_list("action", "actor_username", "summary"))


def test_a_late_meeting_is_audited_as_missed_with_its_actor(case, coordinator):
    deadline_meet(referral=case, rule_code="report_to_partners", by=coordinator, now=at(date(2026, 3, 10)))
    assert audit_rows(action="deadline.missed") == [
        (
            "deadline.missed",
            coordinator.username,
            "Deadline 'report_to_partners' met late at 2026-03-10T09:00+00:00 (due 2026-03-09)",
        )
    ]


def test_closing_as_a_duplicate_is_audited_on_the_case(case, coordinator):
    deadlines_close_for_duplicate(referral=case, by=coordinator, now=at(date(2026, 3, 3)))
    [event] = AuditEvent.objects.for_object(case).filter(action="deadline.closed_duplicate")
    assert event.actor == coordinator
    assert event.summary == (
        "Deadlines closed as the referral is a duplicate: "
        "notify_national_panel, report_to_partners, notify_sos_ofsted, subgroup_decision"
    )


def test_a_rule_change_is_audited_with_what_moved(case, make_user):
    admin = make_user(Role.ADMINISTRATOR)
    rule = DeadlineRule.objects.get(code="subgroup_decision")
    rule.length = 3
    deadline_rule_save(rule=rule, by=admin)
    [(action, actor, summary)] = audit_rows(action="deadline_rule.changed")
    assert (action, actor) == ("deadline_rule.changed", admin.username)
    assert summary.startswith("Rule 'subgroup_decision' saved; 1 open deadline(s) moved: ")
    assert "moved from Wed 4 Mar 2026 to Mon 2 Mar 2026" in summary


def test_the_waiving_reason_and_the_notification_reference_stay_out_of_the_audit_trail(case, coordinator):
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


def test_feed_addresses_are_audited_without_the_secret(coordinator, make_user):
    first = calendar_feed_token_create(user=coordinator, now=at(date(2026, 3, 2)))
    second = calendar_feed_token_create(user=coordinator, replaces=first.pk, now=at(date(2026, 3, 3)))
    admin = make_user(Role.ADMINISTRATOR)
    calendar_feed_token_revoke(user=coordinator, by=admin, now=at(date(2026, 3, 4)))
    events = list(
        AuditEvent.objects.filter(action__startswith="calendar_feed.")
        .order_by("at", "id")
        .values_list("action", "actor_username", "object_label", "summary")
    )
    label = f"feed of {coordinator.username}"
    assert events == [
        ("calendar_feed.created", coordinator.username, label, "Calendar feed address created"),
        (
            "calendar_feed.created",
            coordinator.username,
            label,
            "Calendar feed address created (previous address turned off)",
        ),
        ("calendar_feed.revoked", admin.username, label, "Calendar feed address turned off"),
    ]
    everything = " ".join(" ".join(e) for e in events)
    assert first.token not in everything and second.token not in everything


# --- a re-planned event ----------------------------------------------------------------


def test_reanchoring_moves_the_open_deadline_resets_its_reminders_and_is_audited(case, coordinator):
    deadline_open(
        referral=case, rule_code="final_report_to_panel_sos", anchor=date(2026, 10, 16), by=coordinator
    )
    Deadline.objects.filter(rule__code="final_report_to_panel_sos").update(
        reminded_stage="reminder:2026-10-02"
    )
    move = deadline_reanchor(
        referral=case, rule_code="final_report_to_panel_sos", anchor=date(2026, 10, 30), by=coordinator
    )
    assert (move.old_due, move.new_due) == (date(2026, 10, 7), date(2026, 10, 21))
    moved = deadline(case, "final_report_to_panel_sos")
    assert (moved.anchor_date, moved.due_date, moved.reminded_stage) == (
        date(2026, 10, 30),
        date(2026, 10, 21),
        "",
    )
    assert "7 working days before Fri 30 Oct 2026" in moved.explanation
    [event] = AuditEvent.objects.for_object(case).filter(action="deadline.reanchored")
    assert event.summary == (
        "Deadline 'final_report_to_panel_sos' counted from 2026-10-30 instead of 2026-10-16; "
        "due 2026-10-07 moved to 2026-10-21"
    )


def test_reanchoring_to_the_same_date_or_a_closed_deadline_changes_nothing(case, coordinator):
    deadline_open(
        referral=case, rule_code="final_report_to_panel_sos", anchor=date(2026, 10, 16), by=coordinator
    )
    assert (
        deadline_reanchor(
            referral=case, rule_code="final_report_to_panel_sos", anchor=date(2026, 10, 16), by=coordinator
        )
        is None
    )
    deadline_meet(
        referral=case, rule_code="final_report_to_panel_sos", by=coordinator, now=at(date(2026, 10, 5))
    )
    assert (
        deadline_reanchor(
            referral=case, rule_code="final_report_to_panel_sos", anchor=date(2026, 11, 20), by=coordinator
        )
        is None
    )
    assert deadline(case, "final_report_to_panel_sos").anchor_date == date(2026, 10, 16)
    assert not AuditEvent.objects.filter(action="deadline.reanchored").exists()


# --- what the audit trail says a deadline is counted from ----------------------------


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


def test_reanchoring_a_deadline_counted_from_the_incident_never_names_its_date(case, coordinator):
    move = deadline_reanchor(
        referral=case, rule_code="subgroup_decision", anchor=date(2026, 2, 26), by=coordinator
    )
    assert (move.old_due, move.new_due) == (date(2026, 3, 4), date(2026, 3, 5))
    [event] = AuditEvent.objects.for_object(case).filter(action="deadline.reanchored")
    assert event.summary == (
        "Deadline 'subgroup_decision' counted from a changed date (the incident); "
        "due 2026-03-04 moved to 2026-03-05"
    )
