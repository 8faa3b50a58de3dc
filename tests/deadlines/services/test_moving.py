"""Open deadlines moved when the calendar, a rule or the date they count from changes
(deadlines.services.moving), their reminders reset and the move audited."""

from datetime import date

import pytest

from cspr.accounts.roles import Role
from cspr.audit.models import AuditEvent
from deadlines.models import ClosureDay, Deadline, DeadlineRule
from deadlines.services import (
    calendar_day_save,
    calendar_days_delete,
    deadline_meet,
    deadline_open,
    deadline_reanchor,
    deadline_rule_save,
)

from ..factories import MON_2_MAR, at, audit_rows, deadline

pytestmark = pytest.mark.django_db


def test_closure_day_added_moves_affected_open_deadlines_and_audits_them(case, make_user):
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


def test_closure_day_removed_moves_them_back(case, make_user):
    admin = make_user(Role.ADMINISTRATOR)
    calendar_day_save(day_obj=ClosureDay(day=date(2026, 3, 4), reason="office move"), by=admin, now=MON_2_MAR)
    moves = calendar_days_delete(day_objs=ClosureDay.objects.all(), by=admin, now=MON_2_MAR)
    assert {(m.old_due, m.new_due) for m in moves} == {
        (date(2026, 3, 10), date(2026, 3, 9)),
        (date(2026, 3, 5), date(2026, 3, 4)),
    }
    assert deadline(case, "report_to_partners").due_date == date(2026, 3, 9)


def test_closure_day_outside_every_open_deadline_moves_nothing(case, make_user):
    moves = calendar_day_save(
        day_obj=ClosureDay(day=date(2026, 6, 1), reason="training"),
        by=make_user(Role.ADMINISTRATOR),
        now=MON_2_MAR,
    )
    assert moves == []


def test_rule_change_recomputes_its_open_deadlines(case, make_user):
    rule = DeadlineRule.objects.get(code="subgroup_decision")
    rule.length = 3
    moves = deadline_rule_save(rule=rule, by=make_user(Role.ADMINISTRATOR))
    assert [(m.old_due, m.new_due) for m in moves] == [(date(2026, 3, 4), date(2026, 3, 2))]
    assert deadline(case, "subgroup_decision").due_date == date(2026, 3, 2)


def test_deadline_moved_resets_its_reminders(case, make_user):
    Deadline.objects.filter(referral=case).update(reminded_stage="reminder:2026-03-05")
    calendar_day_save(
        day_obj=ClosureDay(day=date(2026, 3, 4), reason="office move"),
        by=make_user(Role.ADMINISTRATOR),
        now=MON_2_MAR,
    )
    assert deadline(case, "report_to_partners").reminded_stage == ""


def test_rule_change_is_audited_with_what_moved(case, make_user):
    admin = make_user(Role.ADMINISTRATOR)
    rule = DeadlineRule.objects.get(code="subgroup_decision")
    rule.length = 3
    deadline_rule_save(rule=rule, by=admin)
    [(action, actor, summary)] = audit_rows(action="deadline_rule.changed")
    assert (action, actor) == ("deadline_rule.changed", admin.username)
    assert summary.startswith("Rule 'subgroup_decision' saved; 1 open deadline(s) moved: ")
    assert "moved from Wed 4 Mar 2026 to Mon 2 Mar 2026" in summary


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
