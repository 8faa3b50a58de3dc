"""Recommendations (rapidreview.services.recommendations): the named agencies' leads told,
the due date checked, a form posted twice adding one."""

import uuid
from datetime import timedelta

import pytest

from cspr import dates
from cspr.notifications.models import ContactRole
from rapidreview import services as review_services
from rapidreview.models import Recommendation
from referrals.lifecycle.kernel import CaseActionError
from referrals.lifecycle.states import CaseStatus

from ...referrals.helpers import recipients
from ..helpers import case_in, today

pytestmark = pytest.mark.django_db

S = CaseStatus


def test_recommendation_tells_the_named_agencies_leads(
    chair, practitioner, contacts, agency_lead, other_lead, agency
):
    case = case_in(S.FINAL_REPORT_RECEIVED, author=practitioner, by=chair)

    review_services.recommendation_add(
        referral=case,
        required_action="Audit",
        agencies=[agency],
        due_on=today(),
        token=uuid.uuid4(),
        by=chair,
    )

    told = recipients(case, "recommendation-added")
    assert agency_lead.email in told
    assert other_lead.email not in told


def test_recommendation_may_fall_due_in_the_future_but_not_before_the_report(chair, practitioner, contacts):
    case = case_in(S.FINAL_REPORT_RECEIVED, author=practitioner, by=chair)

    later = review_services.recommendation_add(
        referral=case,
        required_action="Audit",
        agencies=[case.agency],
        due_on=today() + timedelta(days=200),
        token=uuid.uuid4(),
        by=chair,
    )
    with pytest.raises(CaseActionError) as error:
        review_services.recommendation_add(
            referral=case,
            required_action="Audit",
            agencies=[case.agency],
            due_on=today() - timedelta(days=1),
            token=uuid.uuid4(),
            by=chair,
        )

    assert later.due_on == today() + timedelta(days=200)
    assert error.value.problems == {
        "due_on": "The date it must be done by must be on or after the date the final report was received "
        f"({dates.long_date(today())})"
    }


def test_recommendation_add_posted_twice_adds_one_row(chair, practitioner, contacts, agency):
    case = case_in(S.FINAL_REPORT_RECEIVED, author=practitioner, by=chair)
    recommendation_token = uuid.uuid4()
    for _ in range(2):
        review_services.recommendation_add(
            referral=case,
            required_action="Audit",
            agencies=[agency],
            due_on=today(),
            token=recommendation_token,
            by=chair,
        )

    assert Recommendation.objects.filter(referral=case).count() == 1
    # One email per recipient (here the coordinator's contact), not one per post.
    assert recipients(case, "recommendation-added") == [f"{ContactRole.COORDINATOR}@example.org"]
