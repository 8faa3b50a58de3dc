"""Closing a case (rapidreview.services.closing): only once its action plan is complete, or
once a decision of no review was communicated."""

import uuid

import pytest

from rapidreview import services as review_services
from rapidreview.models import Recommendation
from referrals import services as referral_services
from referrals.lifecycle.kernel import CaseActionError
from referrals.lifecycle.states import CaseStatus

from ..helpers import STEPS, case_in, decision, today

pytestmark = pytest.mark.django_db

S = CaseStatus


def test_case_closes_only_when_every_recommendation_is_done(chair, practitioner, contacts, agency):
    case = case_in(S.FINAL_REPORT_RECEIVED, author=practitioner, by=chair)
    recommendation = review_services.recommendation_add(
        referral=case,
        required_action="Audit",
        agencies=[agency],
        due_on=today(),
        token=uuid.uuid4(),
        by=chair,
    )
    STEPS["publish_report"](case, chair)

    with pytest.raises(CaseActionError) as error:
        STEPS["close"](case, chair)
    assert error.value.message == (
        "1 recommendation is not done yet: a case is closed when its action plan is complete"
    )

    review_services.recommendation_update(
        recommendation=recommendation,
        status=Recommendation.Status.DONE,
        note="Audit done",
        token=uuid.uuid4(),
        by=chair,
    )
    STEPS["close"](case, chair)
    case.refresh_from_db()
    assert case.status == S.CLOSED


def test_no_review_closes_once_the_decision_was_communicated(case, chair):
    referral_services.case_decide(
        referral=case,
        decision=decision("no_review", family_informed_on=None, referrer_informed_on=None),
        by=chair,
    )
    with pytest.raises(
        CaseActionError, match="Record when the decision was communicated to the family and the referrer"
    ):
        STEPS["close"](case, chair)

    referral_services.decision_record_communication(
        referral=case, family_informed_on=today(), referrer_informed_on=today(), by=chair
    )
    STEPS["close"](case, chair)
    case.refresh_from_db()
    assert case.status == S.CLOSED
