"""What each lifecycle service writes besides the move: deadlines opened and met,
notifications queued, content checked with messages a person can act on, and nothing
twice."""

import uuid
from datetime import timedelta

import pytest

from cspr import dates
from cspr.accounts.roles import Role
from cspr.audit.models import AuditEvent
from cspr.notifications.models import ContactRole, Notification
from cspr.notifications.services import SAFE_CONTEXT_KEYS, notification_render
from deadlines import calendar
from deadlines.models import Deadline
from rapidreview import services as review_services
from rapidreview.models import NextStep, Publication, RapidReview, Recommendation
from referrals import services as referral_services
from referrals.lifecycle.kernel import CaseActionError
from referrals.lifecycle.states import CaseStatus
from referrals.models import CaseTransition

from ..referrals.factories import CHILD_ADDRESS, CHILD_NAME, SUMMARY
from .helpers import STEPS, case_in, complete_findings, decide, decision, plan_and_send, submitted_case, today

pytestmark = pytest.mark.django_db

S = CaseStatus


def deadline(case, code):
    return Deadline.objects.filter(referral=case, rule__code=code).first()


def recipients(case, event):
    return sorted(
        Notification.objects.filter(case_reference=case.reference, event=event).values_list(
            "recipient_email", flat=True
        )
    )


# --- deadlines ------------------------------------------------------------------------


def test_start_meets_its_deadline_and_opens_completion_from_the_start_date(case, chair):
    decide(case, chair)
    started_on = today()

    STEPS["start_rapid_review"](case, chair)

    assert deadline(case, "rapid_review_start").status == Deadline.Status.MET
    complete = deadline(case, "rapid_review_complete")
    assert (complete.status, complete.anchor_date) == (Deadline.Status.OPEN, started_on)
    assert complete.due_date == calendar.add_working_days(started_on, 15)


def test_completion_meets_its_deadline_and_opens_send_to_panel(case, chair):
    for step in ("decide_rapid_review", "start_rapid_review", "complete_rapid_review"):
        STEPS[step](case, chair)

    assert deadline(case, "rapid_review_complete").status == Deadline.Status.MET
    send = deadline(case, "send_rapid_review_to_panel")
    assert (send.status, send.anchor_date) == (Deadline.Status.OPEN, today())

    STEPS["send_to_panel"](case, chair)

    assert deadline(case, "send_rapid_review_to_panel").status == Deadline.Status.MET
    assert RapidReview.objects.get(referral=case).sent_to_panel_on == today()


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


def test_final_report_meets_the_local_review_deadline(chair, practitioner, contacts):
    case = case_in(S.LCSPR_IN_PROGRESS, author=practitioner, by=chair)

    STEPS["receive_final_report"](case, chair)

    assert deadline(case, "complete_local_review").status == Deadline.Status.MET


def test_planning_publication_opens_the_send_deadline_7_working_days_before(chair, practitioner, contacts):
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


def test_national_review_during_a_local_review_waives_its_deadlines(chair, practitioner, contacts):
    case = case_in(S.LCSPR_IN_PROGRESS, author=practitioner, by=chair)

    STEPS["refer_to_national_review"](case, chair)

    waived = deadline(case, "complete_local_review")
    assert (waived.status, waived.waived_by) == (Deadline.Status.WAIVED, chair)
    assert deadline(case, "inform_panel_ofsted_dfe").status == Deadline.Status.WAIVED
    row = CaseTransition.objects.filter(referral=case).latest("at", "id")
    assert row.details["during_local_review"] is True


# --- notifications --------------------------------------------------------------------


@pytest.mark.parametrize("name", list(STEPS))
def test_every_move_tells_someone_besides_the_actor_and_carries_no_child_details(
    name, chair, practitioner, contacts
):
    from referrals.lifecycle.graph import edges

    source = next(edge.source for edge in edges() if edge.name == name)
    case = case_in(source, author=practitioner, by=chair)
    before = set(Notification.objects.filter(case_reference=case.reference).values_list("pk", flat=True))

    STEPS[name](case, chair)

    new = Notification.objects.filter(case_reference=case.reference).exclude(pk__in=before)
    assert {row.recipient_email for row in new} - {chair.email}, f"{name} told nobody but the actor"
    for row in new:
        assert set(row.context) <= SAFE_CONTEXT_KEYS
        subject, body = notification_render(row)
        for secret in (CHILD_NAME, CHILD_ADDRESS, SUMMARY, "Two agencies did not share information"):
            assert secret not in subject + body
        assert case.reference in subject


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


# --- transition rows and the audit trail ----------------------------------------------


def test_a_whole_local_review_route_is_logged_and_audited_without_child_details(
    chair, practitioner, contacts
):
    case = case_in(S.PUBLISHED, author=practitioner, by=chair)
    STEPS["close"](case, chair)

    rows = list(CaseTransition.objects.filter(referral=case).values_list("from_status", "to_status"))
    assert rows == [
        (S.SUBMITTED, S.RAPID_REVIEW_AGREED),
        (S.RAPID_REVIEW_AGREED, S.RAPID_REVIEW_IN_PROGRESS),
        (S.RAPID_REVIEW_IN_PROGRESS, S.RAPID_REVIEW_COMPLETE),
        (S.RAPID_REVIEW_COMPLETE, S.SENT_TO_PANEL),
        (S.SENT_TO_PANEL, S.LCSPR_COMMISSIONED),
        (S.LCSPR_COMMISSIONED, S.LCSPR_IN_PROGRESS),
        (S.LCSPR_IN_PROGRESS, S.FINAL_REPORT_RECEIVED),
        (S.FINAL_REPORT_RECEIVED, S.PUBLISHED),
        (S.PUBLISHED, S.CLOSED),
    ]
    actions = list(AuditEvent.objects.for_object(case).values_list("action", flat=True))
    for name in (
        "decide_rapid_review",
        "start_rapid_review",
        "receive_final_report",
        "publish_report",
        "close",
    ):
        assert f"case.{name}" in actions
    assert "case.publication_planned" in actions and "case.final_report_sent" in actions
    for event in AuditEvent.objects.for_object(case):
        assert CHILD_NAME not in event.summary and CHILD_ADDRESS not in event.summary


# --- what each move needs -------------------------------------------------------------


def test_completion_needs_the_four_aims_and_a_recommendation(chair, practitioner, contacts):
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


def test_a_rapid_review_cannot_be_completed_before_it_has_started(chair, practitioner, contacts):
    case = case_in(S.RAPID_REVIEW_AGREED, author=practitioner, by=chair)

    with pytest.raises(CaseActionError) as error:
        review_services.case_complete_rapid_review(referral=case, by=chair, **complete_findings())

    assert error.value.message == "A rapid review cannot be completed before it has started"


def test_a_different_next_step_from_the_recommendation_needs_its_reason(chair, practitioner, contacts):
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


def test_forms_posted_twice_add_one_row(chair, practitioner, contacts, agency):
    case = case_in(S.FINAL_REPORT_RECEIVED, author=practitioner, by=chair)
    token = uuid.uuid4()

    first = review_services.case_note_add(referral=case, text="Police hold CCTV", token=token, by=chair)
    second = review_services.case_note_add(referral=case, text="Police hold CCTV", token=token, by=chair)
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

    assert first.pk == second.pk
    assert case.notes.count() == 1
    assert Recommendation.objects.filter(referral=case).count() == 1
    # One email per recipient (here the coordinator's contact), not one per post.
    assert recipients(case, "recommendation-added") == [f"{ContactRole.COORDINATOR}@example.org"]


# --- who is told what -----------------------------------------------------------------


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


def test_a_recommendation_may_fall_due_in_the_future_but_not_before_the_report(chair, practitioner, contacts):
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


@pytest.mark.parametrize("service", ["case_refer_to_national_review", "case_decide_no_further_review"])
def test_the_next_step_cannot_be_dated_before_the_rapid_review_was_completed(
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


def test_a_publication_can_be_recorded_after_the_event(chair, practitioner, contacts):
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
