"""The subgroup decision (referrals.services.decision): the deadlines it meets and opens,
who it tells, what it keeps, what it needs, and that it is recorded once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cspr.accounts.roles import Role
from cspr.notifications.models import ContactRole, Notification
from deadlines import calendar
from deadlines.models import Deadline
from referrals import services as referral_services
from referrals.lifecycle.kernel import CaseActionError
from referrals.lifecycle.states import CaseStatus
from referrals.models import CaseTransition, SubgroupDecision

from ..helpers import deadline, decide, decision, recipients, submitted_case, today

pytestmark = pytest.mark.django_db

S = CaseStatus


def test_decision_meets_subgroup_decision_and_opens_rapid_review_start(case, chair):
    assert deadline(case, "subgroup_decision").status == Deadline.Status.OPEN

    decide(case, chair)

    assert deadline(case, "subgroup_decision").status == Deadline.Status.MET
    start = deadline(case, "rapid_review_start")
    assert start.status == Deadline.Status.OPEN
    assert start.anchor_date == today()
    assert start.due_date == calendar.add_working_days(today(), 5)


def test_decision_of_no_review_opens_no_rapid_review_deadline(case, chair):
    decide(case, chair, SubgroupDecision.Outcome.NO_REVIEW)

    assert deadline(case, "subgroup_decision").status == Deadline.Status.MET
    assert deadline(case, "rapid_review_start") is None


def test_decision_after_the_due_day_is_recorded_as_met_late(chair, practitioner, contacts):
    case = submitted_case(author=practitioner, submitted_at=timezone.now() - timedelta(days=20))

    decide(case, chair)

    late = deadline(case, "subgroup_decision")
    assert (late.status, late.met_late) == (Deadline.Status.MISSED, True)


def test_decision_tells_contacts_referrer_and_leads_of_the_organisations(case, chair, make_user, health):
    health_lead = make_user(
        Role.AGENCY_LEAD, username="healthlead", email="healthlead@example.org", agency_obj=health
    )

    decide(case, chair, organisations=[case.agency, health])

    assert recipients(case, "case-decided") == sorted(
        [
            f"{ContactRole.COORDINATOR}@example.org",
            f"{ContactRole.SUBGROUP_CHAIR}@example.org",
            f"{ContactRole.LA_SERVICE_LEADER_QA}@example.org",
            case.created_by.email,
            health_lead.email,
        ]
    )


def test_decision_row_keeps_the_rationale_and_structured_answers(case, chair):
    decide(case, chair)

    row = CaseTransition.objects.get(referral=case)
    assert row.reason == "Two agencies did not share information; learning for the partnership."
    assert row.details["outcome"] == "rapid_review"
    assert row.details["organisations"] == [case.agency.pk]
    assert row.details["criteria"]["improvements_needed"] is True


def test_decision_needs_a_rationale_and_answers(case, chair):
    blank = decision(rationale="  ", improvements_needed=None, decided_on=today() + timedelta(days=1))

    with pytest.raises(CaseActionError) as error:
        referral_services.case_decide(referral=case, decision=blank, organisations=[], by=chair)

    problems = error.value.problems
    assert problems["rationale"] == "The decision needs a rationale"
    assert problems["decided_on"] == "The date of the decision must be today or in the past"
    assert problems["organisations"] == "Select the organisations taking part in the rapid review"
    assert problems["improvements_needed"].startswith(
        "Select yes or no for ‘Highlights or may highlight improvements"
    )
    case.refresh_from_db()
    assert case.status == S.SUBMITTED
    assert not SubgroupDecision.objects.filter(referral=case).exists()


def test_decision_cannot_predate_the_submission(case, chair):
    early = decision(decided_on=timezone.localdate(case.submitted_at) - timedelta(days=1))

    with pytest.raises(CaseActionError) as error:
        referral_services.case_decide(referral=case, decision=early, organisations=[case.agency], by=chair)
    assert error.value.problems["decided_on"].startswith(
        "The date of the decision must be on or after the date the referral was submitted"
    )


def test_decision_recorded_twice_writes_and_sends_once(case, chair):
    decide(case, chair)
    sent = Notification.objects.filter(case_reference=case.reference).count()

    with pytest.raises(CaseActionError, match="The subgroup decision has already been recorded"):
        decide(case, chair)

    assert SubgroupDecision.objects.filter(referral=case).count() == 1
    assert CaseTransition.objects.filter(referral=case).count() == 1
    assert Notification.objects.filter(case_reference=case.reference).count() == sent
