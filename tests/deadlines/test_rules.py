"""The seeded rulebook, and the deadlines each rule opens from its anchor."""

from datetime import date

import pytest

from cspr.audit.models import AuditEvent
from deadlines.models import Deadline, DeadlineRule
from deadlines.services import deadline_open, deadlines_open_for_referral
from referrals.services import referral_submit

from ..referrals.factories import ReferralFactory
from .factories import at, submitted_case

pytestmark = pytest.mark.django_db

# code: (opened by, anchor, length, unit, is_target)
SEEDED = {
    "refer_to_partnership": ("referral_submitted", "practitioner_aware", 1, "working_days", False),
    "notify_national_panel": ("referral_submitted", "la_aware", 5, "working_days", False),
    "report_to_partners": ("referral_submitted", "la_aware", 5, "working_days", False),
    "notify_sos_ofsted": ("referral_submitted", "la_aware", 5, "working_days", False),
    "subgroup_decision": ("referral_submitted", "incident", 5, "working_days", False),
    "rapid_review_start": ("rapid_review_decided", "event", 5, "working_days", False),
    "rapid_review_complete": ("rapid_review_started", "event", 15, "working_days", False),
    "send_rapid_review_to_panel": ("rapid_review_completed", "event", 1, "working_days", True),
    "inform_panel_ofsted_dfe": ("local_review_decided", "event", 1, "working_days", True),
    "complete_local_review": ("local_review_decided", "event", 6, "calendar_months", False),
    "final_report_to_panel_sos": ("publication_planned", "event", -7, "working_days", False),
}


def test_rulebook_is_seeded_with_every_timeline_row():
    rules = {
        r.code: (r.opened_by, r.anchor, r.length, r.unit, r.is_target) for r in DeadlineRule.objects.all()
    }
    assert rules == SEEDED
    assert list(DeadlineRule.objects.values_list("order", flat=True)) == list(range(1, 12))
    assert all(r.source and r.responsible and r.label for r in DeadlineRule.objects.all())


def test_submission_opens_the_rulebook_deadlines_from_their_anchors(practitioner):
    # Aware Mon 2 Mar 2026 09:30 (factory), incident Sun 1 Mar, submitted the same day.
    referral = ReferralFactory(created_by=practitioner, agency=practitioner.agency)
    referral_submit(referral=referral, by=practitioner, now=at(date(2026, 3, 2), 15))
    deadlines = {d.rule.code: d for d in Deadline.objects.filter(referral=referral).select_related("rule")}
    assert set(deadlines) == {
        "refer_to_partnership",
        "notify_national_panel",
        "report_to_partners",
        "subgroup_decision",
    }
    assert (deadlines["refer_to_partnership"].anchor_date, deadlines["refer_to_partnership"].due_date) == (
        date(2026, 3, 2),
        date(2026, 3, 3),
    )
    assert deadlines["refer_to_partnership"].status == Deadline.Status.MET
    assert deadlines["refer_to_partnership"].met_at == at(date(2026, 3, 2), 15)
    for code in ("notify_national_panel", "report_to_partners"):
        assert (deadlines[code].anchor_date, deadlines[code].due_date, deadlines[code].status) == (
            date(2026, 3, 2),
            date(2026, 3, 9),
            Deadline.Status.OPEN,
        )
    assert (deadlines["subgroup_decision"].anchor_date, deadlines["subgroup_decision"].due_date) == (
        date(2026, 3, 1),
        date(2026, 3, 6),
    )
    assert deadlines["subgroup_decision"].due_at.isoformat() == "2026-03-06T23:59:59+00:00"


def test_referral_later_than_one_working_day_is_missed_at_once(practitioner):
    referral = submitted_case(
        author=practitioner, aware_at=at(date(2026, 3, 6), 16), submitted_at=at(date(2026, 3, 10), 9)
    )
    deadline = Deadline.objects.get(referral=referral, rule__code="refer_to_partnership")
    assert deadline.due_date == date(2026, 3, 9)
    assert deadline.status == Deadline.Status.MISSED
    assert deadline.met_at == at(date(2026, 3, 10), 9)


def test_referral_at_the_last_minute_of_the_working_day_is_met(practitioner):
    referral = submitted_case(
        author=practitioner, aware_at=at(date(2026, 3, 6), 16), submitted_at=at(date(2026, 3, 9), 23, 59)
    )
    assert (
        Deadline.objects.get(referral=referral, rule__code="refer_to_partnership").status
        == Deadline.Status.MET
    )


def test_looked_after_childs_death_also_opens_sos_and_ofsted(practitioner):
    referral = submitted_case(
        author=practitioner, submitted_at=at(date(2026, 3, 2), 11), looked_after_death=True
    )
    deadline = Deadline.objects.get(referral=referral, rule__code="notify_sos_ofsted")
    assert (deadline.anchor_date, deadline.due_date) == (date(2026, 3, 2), date(2026, 3, 9))


def test_other_referrals_do_not_open_sos_and_ofsted(practitioner):
    referral = submitted_case(author=practitioner, submitted_at=at(date(2026, 3, 2), 11))
    assert not Deadline.objects.filter(referral=referral, rule__code="notify_sos_ofsted").exists()


def test_opening_for_a_referral_twice_changes_nothing(practitioner):
    referral = submitted_case(
        author=practitioner, submitted_at=at(date(2026, 3, 2), 11), looked_after_death=True
    )
    before = list(Deadline.objects.filter(referral=referral).order_by("pk").values())
    audit_before = AuditEvent.objects.count()
    deadlines_open_for_referral(referral=referral, by=practitioner, now=at(date(2026, 3, 20), 11))
    assert list(Deadline.objects.filter(referral=referral).order_by("pk").values()) == before
    assert AuditEvent.objects.count() == audit_before


def test_an_earlier_la_awareness_date_is_the_anchor(practitioner):
    referral = submitted_case(
        author=practitioner, submitted_at=at(date(2026, 3, 4), 11), la_aware_on=date(2026, 2, 27)
    )
    deadline = Deadline.objects.get(referral=referral, rule__code="notify_national_panel")
    assert (deadline.anchor_date, deadline.due_date) == (date(2026, 2, 27), date(2026, 3, 6))


def test_each_opening_is_audited_on_the_case(practitioner):
    referral = submitted_case(author=practitioner, submitted_at=at(date(2026, 3, 2), 11))
    actions = list(AuditEvent.objects.for_object(referral).values_list("action", flat=True))
    assert actions.count("deadline.opened") == 4
    assert actions.count("deadline.met") == 1


@pytest.mark.parametrize(
    "code, anchor, due",
    [
        ("rapid_review_start", date(2026, 3, 6), date(2026, 3, 13)),
        ("rapid_review_complete", date(2026, 3, 13), date(2026, 4, 7)),  # across Easter 2026
        ("send_rapid_review_to_panel", date(2026, 4, 2), date(2026, 4, 7)),
        ("inform_panel_ofsted_dfe", date(2026, 3, 13), date(2026, 3, 16)),
        ("complete_local_review", date(2026, 3, 13), date(2026, 9, 13)),
        ("final_report_to_panel_sos", date(2026, 10, 16), date(2026, 10, 7)),
    ],
)
def test_later_stage_rules_open_from_the_event(practitioner, code, anchor, due):
    referral = submitted_case(author=practitioner, submitted_at=at(date(2026, 3, 2), 11))
    deadline = deadline_open(referral=referral, rule_code=code, anchor=anchor, by=practitioner)
    assert (deadline.anchor_date, deadline.due_date, deadline.status) == (anchor, due, Deadline.Status.OPEN)


def test_target_rules_say_they_are_a_target(practitioner):
    referral = submitted_case(author=practitioner, submitted_at=at(date(2026, 3, 2), 11))
    deadline = deadline_open(
        referral=referral, rule_code="send_rapid_review_to_panel", anchor=date(2026, 4, 2), by=practitioner
    )
    assert deadline.explanation == (
        "The procedure says ‘as soon as’: this date is the partnership’s target, not a statutory deadline. "
        "1 working day after Thu 2 Apr 2026 (the completion of the rapid review), not counting the weekend, "
        "Fri 3 Apr Good Friday and Mon 6 Apr Easter Monday: due by the end of Tue 7 Apr 2026."
    )


def test_publication_deadline_explains_its_negative_offset(practitioner):
    referral = submitted_case(author=practitioner, submitted_at=at(date(2026, 3, 2), 11))
    deadline = deadline_open(
        referral=referral, rule_code="final_report_to_panel_sos", anchor=date(2026, 10, 16), by=practitioner
    )
    assert deadline.explanation == (
        "7 working days before Fri 16 Oct 2026 (the planned publication date), not counting the weekend: "
        "due by the end of Wed 7 Oct 2026."
    )


def test_opening_a_rule_twice_returns_the_first_deadline(practitioner):
    referral = submitted_case(author=practitioner, submitted_at=at(date(2026, 3, 2), 11))
    first = deadline_open(
        referral=referral, rule_code="rapid_review_start", anchor=date(2026, 3, 6), by=practitioner
    )
    second = deadline_open(
        referral=referral, rule_code="rapid_review_start", anchor=date(2026, 3, 9), by=practitioner
    )
    assert second.pk == first.pk
    assert second.anchor_date == date(2026, 3, 6)
    assert Deadline.objects.filter(referral=referral, rule__code="rapid_review_start").count() == 1


def test_an_inactive_rule_opens_nothing(practitioner):
    DeadlineRule.objects.filter(code="rapid_review_start").update(active=False)
    referral = submitted_case(author=practitioner, submitted_at=at(date(2026, 3, 2), 11))
    assert (
        deadline_open(
            referral=referral, rule_code="rapid_review_start", anchor=date(2026, 3, 6), by=practitioner
        )
        is None
    )
    assert not Deadline.objects.filter(rule__code="rapid_review_start").exists()
