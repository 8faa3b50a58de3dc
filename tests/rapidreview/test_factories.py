"""The read-side CaseFactory puts a case in each state with the records the services leave
there, so a test that reads from a built case reads what the application would show."""

import pytest

from referrals.lifecycle.states import CaseStatus
from referrals.models import Referral

from .factories import CaseFactory
from .helpers import case_in

pytestmark = pytest.mark.django_db

S = CaseStatus


def records(case) -> dict:
    case = Referral.objects.get(pk=case.pk)
    decision = getattr(case, "subgroup_decision", None)
    review = getattr(case, "rapid_review", None)
    local = getattr(case, "local_review", None)
    publication = getattr(case, "publication", None)
    return {
        "status": case.status,
        "decision": decision and (decision.outcome, decision.rationale, list(decision.organisations.all())),
        "rapid review": review
        and (
            list(review.organisations.all()),
            review.completed_on is not None,
            review.facts_gathered,
            review.recommendation,
            review.recommendation_rationale,
            review.sent_to_panel_on is not None,
        ),
        "local review": local and (local.reviewer_name, local.informed_on, local.started_on is not None),
        "final reports": [(report.kind, report.received_on) for report in case.final_reports.all()],
        # Planning the publication and sending the report are not moves: only a published
        # case must have them.
        "published": publication
        and publication.published_on
        and (publication.full_report_published, publication.where_published),
    }


@pytest.mark.parametrize("state", [s.value for s in S if s != S.DRAFT])
def test_case_factory_writes_the_records_the_services_leave_in_each_state(
    state, chair, practitioner, contacts
):
    built = CaseFactory(status=state, created_by=practitioner, by=chair)
    walked = case_in(state, author=practitioner, by=chair)

    assert records(built) == records(walked)
