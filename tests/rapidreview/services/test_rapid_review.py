"""The rapid review (rapidreview.services.rapid_review): started, completed and sent to the
National Panel, each meeting its deadline and opening the next; the four aims and a
recommendation needed to complete it; the agencies taking part told, each in its own email."""

from datetime import timedelta

import pytest

from cspr import dates
from cspr.accounts.roles import Role
from cspr.notifications.models import Notification
from cspr.notifications.services import notification_render
from deadlines import calendar
from deadlines.models import Deadline
from rapidreview import services as review_services
from rapidreview.models import RapidReview
from referrals.lifecycle.kernel import CaseActionError
from referrals.lifecycle.states import CaseStatus

from ...referrals.helpers import deadline
from ..helpers import STEPS, case_in, complete_findings, decide, today

pytestmark = pytest.mark.django_db

S = CaseStatus


def test_rapid_review_start_meets_its_deadline_and_opens_completion_from_the_start_date(case, chair):
    decide(case, chair)
    started_on = today()

    STEPS["start_rapid_review"](case, chair)

    assert deadline(case, "rapid_review_start").status == Deadline.Status.MET
    complete = deadline(case, "rapid_review_complete")
    assert (complete.status, complete.anchor_date) == (Deadline.Status.OPEN, started_on)
    assert complete.due_date == calendar.add_working_days(started_on, 15)


def test_rapid_review_completion_meets_its_deadline_and_opens_send_to_panel(case, chair):
    for step in ("decide_rapid_review", "start_rapid_review", "complete_rapid_review"):
        STEPS[step](case, chair)

    assert deadline(case, "rapid_review_complete").status == Deadline.Status.MET
    send = deadline(case, "send_rapid_review_to_panel")
    assert (send.status, send.anchor_date) == (Deadline.Status.OPEN, today())

    STEPS["send_to_panel"](case, chair)

    assert deadline(case, "send_rapid_review_to_panel").status == Deadline.Status.MET
    assert RapidReview.objects.get(referral=case).sent_to_panel_on == today()


def test_rapid_review_completion_needs_the_four_aims_and_a_recommendation(chair, practitioner, contacts):
    case = case_in(S.RAPID_REVIEW_IN_PROGRESS, author=practitioner, by=chair)
    findings = complete_findings(
        facts_gathered="",
        immediate_action_taken="",
        learning_shared=" ",
        recommendation="",
        recommendation_rationale="",
        completed_on=today() - timedelta(days=30),
    )

    with pytest.raises(CaseActionError) as error:
        review_services.case_complete_rapid_review(referral=case, by=chair, **findings)

    assert error.value.problems == {
        "facts_gathered": "Enter the facts gathered",
        "learning_shared": "Enter how learning was shared with agencies",
        "recommendation_rationale": "The recommendation needs a rationale",
        "immediate_action_taken": "Enter what was done for children’s safety",
        "recommendation": "Select the recommended next step",
        "completed_on": f"The date the rapid review was completed must be on or after the date it started "
        f"({dates.long_date(today())})",
    }


def test_rapid_review_cannot_be_completed_before_it_has_started(chair, practitioner, contacts):
    case = case_in(S.RAPID_REVIEW_AGREED, author=practitioner, by=chair)

    with pytest.raises(CaseActionError) as error:
        review_services.case_complete_rapid_review(referral=case, by=chair, **complete_findings())

    assert error.value.message == "A rapid review cannot be completed before it has started"


def test_leads_of_taking_part_agencies_get_their_own_email_and_a_link_they_can_open(
    case, chair, make_user, health, agency_lead
):
    health_lead = make_user(
        Role.AGENCY_LEAD, username="healthlead", email="healthlead@example.org", agency_obj=health
    )

    decide(case, chair, organisations=[case.agency, health])
    review_services.case_start_rapid_review(
        referral=case, started_on=today(), organisations=[case.agency, health], by=chair
    )

    for event in ("case-decided", "rapid-review-started"):
        own = Notification.objects.get(
            case_reference=case.reference, event=event, recipient_email=agency_lead.email
        )
        other = Notification.objects.get(
            case_reference=case.reference, event=event, recipient_email=health_lead.email
        )
        assert (own.template, own.context["agency_name"]) == ("case_participation", case.agency.name)
        assert own.context["link_path"] == f"/referrals/{case.pk}/"
        # The health lead cannot open another agency's referral: the link goes home instead.
        assert (other.context["agency_name"], other.context["link_path"]) == (health.name, "/")
    _subject, body = notification_render(other)
    assert f"{health.name} is one of the organisations taking part." in body
    assert "give your agency’s contribution to the rapid review, which must be completed by" in body
    assert "https://cspr.example.org/\n" in body
