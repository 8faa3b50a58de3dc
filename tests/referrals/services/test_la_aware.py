"""The local authority's awareness date (referrals.services.la_aware): recording an
earlier date moves the deadlines counted from it; the date is checked, and recorded only
by the coordinator or a local authority's lead."""

from datetime import date

import pytest

from cspr.accounts.models import Agency
from cspr.accounts.roles import Role
from cspr.audit.models import AuditEvent
from deadlines.services import deadline_meet
from referrals.lifecycle.kernel import CaseActionError
from referrals.services import referral_record_la_aware

from ...deadlines.factories import at, deadline, looked_after_case
from ...factories import AgencyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(practitioner):
    return looked_after_case(author=practitioner)


def test_la_awareness_date_earlier_moves_the_open_la_deadlines(case, coordinator):
    deadline_meet(referral=case, rule_code="report_to_partners", by=coordinator, now=at(date(2026, 3, 3)))
    moves = referral_record_la_aware(
        referral=case, la_aware_on=date(2026, 2, 26), by=coordinator, now=at(date(2026, 3, 3))
    )
    assert sorted((m.rule_label, m.old_due, m.new_due) for m in moves) == sorted(
        [
            (deadline(case, "notify_national_panel").rule.label, date(2026, 3, 9), date(2026, 3, 5)),
            (deadline(case, "notify_sos_ofsted").rule.label, date(2026, 3, 9), date(2026, 3, 5)),
        ]
    )
    case.refresh_from_db()
    assert case.la_aware_on == date(2026, 2, 26)
    assert deadline(case, "notify_national_panel").anchor_date == date(2026, 2, 26)
    assert "Thu 26 Feb 2026" in deadline(case, "notify_national_panel").explanation
    # Already met: keeps its dates.
    assert deadline(case, "report_to_partners").due_date == date(2026, 3, 9)
    # Other anchors are untouched.
    assert deadline(case, "subgroup_decision").due_date == date(2026, 3, 4)
    event = AuditEvent.objects.for_object(case).get(action="referral.la_aware_recorded")
    assert "2026-03-02 to 2026-02-26" in event.summary
    assert "2026-03-09 to 2026-03-05" in event.summary


def test_la_awareness_date_recorded_again_changes_nothing(case, coordinator):
    referral_record_la_aware(
        referral=case, la_aware_on=date(2026, 2, 26), by=coordinator, now=at(date(2026, 3, 3))
    )
    again = referral_record_la_aware(
        referral=case, la_aware_on=date(2026, 2, 26), by=coordinator, now=at(date(2026, 3, 3))
    )
    assert again == []
    assert AuditEvent.objects.filter(action="referral.la_aware_recorded").count() == 1


@pytest.mark.parametrize(
    "day, message",
    [
        (date(2026, 3, 3), "must be on or before the date the referral was submitted (Mon 2 Mar 2026)"),
        (date(2026, 2, 20), "must be on or after the date of the incident (Wed 25 Feb 2026)"),
        (date(2026, 3, 4), "must be today or in the past"),
    ],
)
def test_la_awareness_date_is_checked(case, coordinator, day, message):
    with pytest.raises(CaseActionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        referral_record_la_aware(referral=case, la_aware_on=day, by=coordinator, now=at(date(2026, 3, 3)))


def test_la_awareness_date_needs_the_coordinator_or_an_la_lead(case, make_user):
    police = AgencyFactory(name="Police", kind=Agency.Kind.POLICE)
    with pytest.raises(CaseActionError, match="Only the partnership coordinator"):
        referral_record_la_aware(
            referral=case, la_aware_on=date(2026, 3, 2), by=make_user(Role.AGENCY_LEAD, agency_obj=police)
        )
    with pytest.raises(CaseActionError, match="Only the partnership coordinator"):
        referral_record_la_aware(referral=case, la_aware_on=date(2026, 3, 2), by=make_user(Role.CHAIR))
    la = AgencyFactory(name="Council", kind=Agency.Kind.LOCAL_AUTHORITY)
    moves = referral_record_la_aware(
        referral=case,
        la_aware_on=date(2026, 3, 2),
        by=make_user(Role.AGENCY_LEAD, agency_obj=la),
        now=at(date(2026, 3, 3)),
    )
    assert moves == []
