"""The next step after the rapid review (rapidreview.services.next_step): commissioning a
local review, the National Panel's national review, no further review; the deadlines each
opens or waives, and the reasons and dates each needs."""

from datetime import timedelta

import pytest

from cspr import dates
from cspr.notifications.models import ContactRole, Notification
from cspr.notifications.services import notification_render
from deadlines import calendar
from deadlines.models import Deadline
from rapidreview import services as review_services
from rapidreview.models import NextStep
from referrals.lifecycle.kernel import CaseActionError
from referrals.lifecycle.states import CaseStatus
from referrals.models import CaseTransition

from ...referrals.helpers import deadline
from ..helpers import STEPS, case_in, complete_findings, submitted_case, today

pytestmark = pytest.mark.django_db

S = CaseStatus


def test_commissioning_opens_inform_and_completion_deadlines_from_the_decision(chair, practitioner, contacts):
    case = case_in(S.SENT_TO_PANEL, author=practitioner, by=chair)

    review_services.case_commission_local_review(
        referral=case,
        decided_on=today(),
        reviewer_name="Sam Reviewer",
        reviewer_organisation="Independent Reviews Ltd",
        commissioned_on=today(),
        by=chair,
    )

    inform = deadline(case, "inform_panel_ofsted_dfe")
    complete = deadline(case, "complete_local_review")
    assert (inform.status, inform.anchor_date) == (Deadline.Status.OPEN, today())
    assert (complete.status, complete.anchor_date) == (Deadline.Status.OPEN, today())
    assert complete.due_date == calendar.add_calendar_months(today(), 6)

    review_services.local_review_record_informed(referral=case, informed_on=today(), by=chair)

    assert deadline(case, "inform_panel_ofsted_dfe").status == Deadline.Status.MET


def test_commissioning_with_the_informed_date_meets_that_deadline_at_once(chair, practitioner, contacts):
    case = case_in(S.SENT_TO_PANEL, author=practitioner, by=chair)

    review_services.case_commission_local_review(
        referral=case,
        decided_on=today(),
        reviewer_name="Sam Reviewer",
        reviewer_organisation="Independent Reviews Ltd",
        commissioned_on=today(),
        informed_on=today(),
        by=chair,
    )

    assert deadline(case, "inform_panel_ofsted_dfe").status == Deadline.Status.MET
    assert deadline(case, "complete_local_review").status == Deadline.Status.OPEN


def test_commissioning_asks_the_qa_lead_to_inform_panel_ofsted_and_dfe(chair, practitioner, contacts):
    case = case_in(S.LCSPR_COMMISSIONED, author=practitioner, by=chair)

    row = Notification.objects.get(
        case_reference=case.reference,
        event="local-review-commissioned",
        recipient_email=f"{ContactRole.LA_SERVICE_LEADER_QA}@example.org",
    )
    subject, body = notification_render(row)
    assert "inform the National Panel, Ofsted and DfE, with the reviewer’s name" in body
    assert "Sam Reviewer" not in body  # names stay in the application


def test_national_review_during_a_local_review_waives_its_deadlines(chair, practitioner, contacts):
    case = case_in(S.LCSPR_IN_PROGRESS, author=practitioner, by=chair)

    STEPS["refer_to_national_review"](case, chair)

    waived = deadline(case, "complete_local_review")
    assert (waived.status, waived.waived_by) == (Deadline.Status.WAIVED, chair)
    assert deadline(case, "inform_panel_ofsted_dfe").status == Deadline.Status.WAIVED
    row = CaseTransition.objects.filter(referral=case).latest("at", "id")
    assert row.details["during_local_review"] is True


def test_next_step_other_than_the_recommendation_needs_its_reason(chair, practitioner, contacts):
    case = submitted_case(author=practitioner)
    for step in ("decide_rapid_review", "start_rapid_review"):
        STEPS[step](case, chair)
    review_services.case_complete_rapid_review(
        referral=case, by=chair, **complete_findings(recommendation=NextStep.NATIONAL_REVIEW)
    )
    STEPS["send_to_panel"](case, chair)

    with pytest.raises(CaseActionError) as error:
        STEPS["commission_local_review"](case, chair)
    assert error.value.problems == {
        "rationale": "The rapid review recommended a national review, led by the National Panel: enter why the "
        "case takes a different route"
    }

    review_services.case_commission_local_review(
        referral=case,
        decided_on=today(),
        reviewer_name="Sam Reviewer",
        reviewer_organisation="Independent Reviews Ltd",
        commissioned_on=today(),
        rationale="The Panel asked the partnership to hold a local review",
        by=chair,
    )
    case.refresh_from_db()
    assert case.status == S.LCSPR_COMMISSIONED


@pytest.mark.parametrize("service", ["case_refer_to_national_review", "case_decide_no_further_review"])
def test_next_step_cannot_be_dated_before_the_rapid_review_was_completed(
    service, chair, practitioner, contacts
):
    case = case_in(S.SENT_TO_PANEL, author=practitioner, by=chair)

    with pytest.raises(CaseActionError) as error:
        getattr(review_services, service)(
            referral=case, decided_on=today() - timedelta(days=3), rationale="Reasons", by=chair
        )

    assert error.value.problems == {
        "decided_on": "The date of the decision must be on or after the date the rapid review was completed "
        f"({dates.long_date(today())})"
    }
