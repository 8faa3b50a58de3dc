"""Planning, sending and publishing the final report (rapidreview.services.publication):
the send deadline counted back from the planned date, what publishing needs first, and who
is told."""

import uuid
from datetime import timedelta

import pytest

from cspr import dates
from cspr.audit.models import AuditEvent
from cspr.notifications.models import Notification
from deadlines import calendar
from deadlines.models import Deadline
from rapidreview import services as review_services
from rapidreview.models import Publication
from referrals.lifecycle.kernel import CaseActionError
from referrals.lifecycle.states import CaseStatus

from ...referrals.helpers import deadline
from ..helpers import STEPS, case_in, plan_and_send, today

pytestmark = pytest.mark.django_db

S = CaseStatus


def test_publication_plan_opens_the_send_deadline_7_working_days_before(chair, practitioner, contacts):
    case = case_in(S.LCSPR_IN_PROGRESS, author=practitioner, by=chair)
    STEPS["receive_final_report"](case, chair)
    planned = today() + timedelta(days=40)

    review_services.publication_plan(referral=case, planned_on=planned, by=chair)

    send = deadline(case, "final_report_to_panel_sos")
    assert (send.status, send.anchor_date) == (Deadline.Status.OPEN, planned)
    assert send.due_date == calendar.add_working_days(planned, -7)

    later = planned + timedelta(days=14)
    review_services.publication_plan(referral=case, planned_on=later, by=chair)

    send.refresh_from_db()
    assert (send.anchor_date, send.due_date) == (later, calendar.add_working_days(later, -7))
    assert Publication.objects.get(referral=case).planned_on == later
    assert AuditEvent.objects.for_object(case).filter(action="deadline.reanchored").count() == 1

    review_services.final_report_send(referral=case, sent_on=today(), by=chair)

    assert deadline(case, "final_report_to_panel_sos").status == Deadline.Status.MET
    with pytest.raises(CaseActionError, match="already been sent"):
        review_services.publication_plan(referral=case, planned_on=later + timedelta(days=1), by=chair)


def test_publication_needs_the_report_sent_first_and_improvements_only_needs_reasons(
    chair, practitioner, contacts
):
    case = case_in(S.LCSPR_IN_PROGRESS, author=practitioner, by=chair)
    STEPS["receive_final_report"](case, chair)

    with pytest.raises(CaseActionError, match="Record when the final report was sent to the National Panel"):
        STEPS["publish_report"](case, chair)

    plan_and_send(case, chair)
    with pytest.raises(CaseActionError) as error:
        review_services.case_publish(
            referral=case,
            full_report=False,
            published_on=today(),
            where_published="https://example.org",
            by=chair,
        )
    assert error.value.problems == {
        "not_published_rationale": "Enter why the full report is not being published",
        "improvements_summary": "Enter what was published about the improvements to be made",
    }

    STEPS["publish_improvements_only"](case, chair)
    case.refresh_from_db()
    assert case.status == S.IMPROVEMENTS_PUBLISHED
    publication = Publication.objects.get(referral=case)
    assert (publication.full_report_published, publication.published_on) == (False, today())


def test_publication_sends_the_recommendations_agencies_to_their_list(
    chair, practitioner, contacts, agency, other_lead, other_agency
):
    case = case_in(S.FINAL_REPORT_RECEIVED, author=practitioner, by=chair)
    review_services.recommendation_add(
        referral=case,
        required_action="Audit",
        agencies=[other_agency],
        due_on=today() + timedelta(days=90),
        token=uuid.uuid4(),
        by=chair,
    )

    STEPS["publish_report"](case, chair)

    told = Notification.objects.get(
        case_reference=case.reference, event="published", recipient_email=other_lead.email
    )
    assert told.context["link_path"] == "/reviews/recommendations/"
    assert told.context["agency_name"] == other_agency.name


def test_publication_can_be_recorded_after_the_event(chair, practitioner, contacts):
    case = case_in(S.LCSPR_IN_PROGRESS, author=practitioner, by=chair)
    STEPS["receive_final_report"](case, chair)

    with pytest.raises(CaseActionError) as error:
        review_services.publication_plan(referral=case, planned_on=today() - timedelta(days=1), by=chair)
    assert error.value.problems == {
        "planned_on": "The planned publication date must be on or after the date the final report was "
        f"received ({dates.long_date(today())})"
    }

    # The coordinator catches up on the day it was published: planned, sent and published.
    review_services.publication_plan(referral=case, planned_on=today(), by=chair)
    review_services.final_report_send(referral=case, sent_on=today(), by=chair)
    STEPS["publish_report"](case, chair)

    case.refresh_from_db()
    assert case.status == S.PUBLISHED
    send = deadline(case, "final_report_to_panel_sos")
    assert (send.status, send.met_late) == (Deadline.Status.MISSED, True)  # not 7 working days before
