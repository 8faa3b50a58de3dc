"""The case's action pages (rapidreview/views/case_action.py): forms that keep what was
typed, refusals shown in words, double posts that change nothing, and the facts each page
shows for the decision being made."""

import re
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse

from cspr.audit.models import AuditAction, AuditEvent
from cspr.notifications.models import Notification
from rapidreview import services as review_services
from rapidreview.models import CaseNote, Recommendation
from referrals.lifecycle.states import CaseStatus
from referrals.models import CaseTransition, SubgroupDecision

from ..factories import CaseFactory
from ..helpers import STEPS, case_in, submitted_case, today

pytestmark = pytest.mark.django_db

S = CaseStatus


def date_fields(name, day):
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def decision_post(case, **overrides):
    data = {
        "outcome": "rapid_review",
        "organisations": [str(case.agency.pk)],
        **date_fields("decided_on", today()),
        "improvements_needed": "True",
        "recurrent_themes": "False",
        "agencies_working_together": "True",
        "panel_suggested_local_review": "False",
        "single_agency_concern": "False",
        "no_agency_involvement": "False",
        "several_areas_involved": "True",
        "institutional_setting": "False",
        "rationale": "Concerns about information sharing between health and education.",
        "family_informed": "False",
        "referrer_informed": "True",
        **date_fields("referrer_informed_on", today()),
    }
    data.update(overrides)
    return data


def test_decision_with_problems_keeps_what_was_typed_and_writes_nothing(case, chair, client):
    client.force_login(chair)
    url = reverse("rapidreview:case_action", args=[case.pk, "decide"])

    response = client.post(
        url,
        decision_post(
            case, rationale="", recurrent_themes="", **date_fields("decided_on", today() + timedelta(days=2))
        ),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Record the subgroup decision" in page
    assert "There is a problem" in page
    assert "The decision needs a rationale" in page
    assert "Select yes or no for ‘Highlights or may highlight recurrent themes" in page
    assert "The date of the decision must be today or in the past" in page
    # The answers already given stay selected, the text typed stays typed.
    assert re.search(r'name="improvements_needed"[^>]*value="True"\s*checked', page)
    typed = client.post(url, decision_post(case, recurrent_themes="")).content.decode()
    assert "Concerns about information sharing between health and education." in typed
    case.refresh_from_db()
    assert case.status == S.SUBMITTED
    assert not SubgroupDecision.objects.exists()


def test_decision_is_recorded_and_the_chair_returns_to_the_case(case, chair, client):
    client.force_login(chair)
    url = reverse("rapidreview:case_action", args=[case.pk, "decide"])

    response = client.post(url, decision_post(case), follow=True)

    assert response.redirect_chain == [(reverse("referrals:detail", args=[case.pk]), 302)]
    assert "The subgroup decision has been recorded" in response.content.decode()
    decision = SubgroupDecision.objects.get(referral=case)
    assert (decision.outcome, decision.family_informed_on, decision.referrer_informed_on) == (
        "rapid_review",
        None,
        today(),
    )
    assert list(decision.organisations.all()) == [case.agency]
    case.refresh_from_db()
    assert case.status == S.RAPID_REVIEW_AGREED


def test_the_same_decision_posted_twice_is_recorded_once(case, chair, client):
    client.force_login(chair)
    url = reverse("rapidreview:case_action", args=[case.pk, "decide"])
    client.post(url, decision_post(case))
    emails = Notification.objects.filter(case_reference=case.reference).count()

    again = client.post(url, decision_post(case), follow=True)

    # The second click lands where the first did, as if it had been one.
    assert again.redirect_chain == [(reverse("referrals:detail", args=[case.pk]), 302)]
    assert "The subgroup decision has been recorded" in again.content.decode()
    assert SubgroupDecision.objects.count() == 1
    assert CaseTransition.objects.filter(referral=case).count() == 1
    assert Notification.objects.filter(case_reference=case.reference).count() == emails


def test_a_decision_someone_else_recorded_meanwhile_is_refused_keeping_what_was_typed(
    case, chair, make_user, client
):
    from cspr.accounts.roles import Role

    from ..helpers import decide

    decide(case, make_user(Role.CHAIR, username="vicechair"))
    client.force_login(chair)

    response = client.post(
        reverse("rapidreview:case_action", args=[case.pk, "decide"]), decision_post(case, outcome="no_review")
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "The subgroup decision has already been recorded" in page
    assert "Concerns about information sharing between health and education." in page
    assert SubgroupDecision.objects.get(referral=case).outcome == "rapid_review"


def test_stale_screen_is_told_what_happened(chair, coordinator, practitioner, contacts, client):
    case = case_in(S.RAPID_REVIEW_IN_PROGRESS, author=practitioner, by=chair)
    client.force_login(chair)
    complete_url = reverse("rapidreview:case_action", args=[case.pk, "complete-rapid-review"])
    assert client.get(complete_url).status_code == 200
    STEPS["complete_rapid_review"](case, coordinator)  # someone else, meanwhile

    response = client.post(
        complete_url,
        {
            **date_fields("completed_on", today()),
            "facts_gathered": "Facts",
            "immediate_action_needed": "False",
            "improvements_identified": "None found",
            "learning_shared": "Briefing",
            "recommendation": "no_further_review",
            "recommendation_rationale": "Learning already in hand",
        },
    )

    assert "The rapid review has already been completed" in response.content.decode()
    assert CaseTransition.objects.filter(referral=case, name="complete_rapid_review").count() == 1


def test_an_action_not_open_now_sends_back_to_the_case_with_the_reason(chair, practitioner, contacts, client):
    case = CaseFactory(status=S.RAPID_REVIEW_AGREED, created_by=practitioner, by=chair)
    client.force_login(chair)

    response = client.get(
        reverse("rapidreview:case_action", args=[case.pk, "complete-rapid-review"]), follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("referrals:detail", args=[case.pk])
    assert "A rapid review cannot be completed before it has started" in response.content.decode()


def test_opening_an_action_page_is_audited(case, chair, client):
    client.force_login(chair)

    client.get(reverse("rapidreview:case_action", args=[case.pk, "decide"]))

    event = AuditEvent.objects.for_object(case).get(
        action=AuditAction.CASE_VIEWED, summary="Opened ‘Record the subgroup decision’"
    )
    assert event.actor == chair


def test_unknown_action_is_not_found(case, chair, client):
    client.force_login(chair)
    assert (
        client.get(reverse("rapidreview:case_action", args=[case.pk, "delete-everything"])).status_code == 404
    )


def test_note_posted_twice_with_its_token_is_added_once(case, member, client):
    client.force_login(member)
    url = reverse("rapidreview:case_action", args=[case.pk, "add-note"])
    data = {"text": "Police hold CCTV from the street.", "token": str(uuid.uuid4())}

    client.post(url, data)
    client.post(url, data)

    assert list(CaseNote.objects.values_list("text", "author")) == [
        ("Police hold CCTV from the street.", member.pk)
    ]


def test_upload_and_publication_forms_through_the_screens(chair, practitioner, contacts, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ..helpers import pdf_bytes

    case = case_in(S.LCSPR_IN_PROGRESS, author=practitioner, by=chair)
    client.force_login(chair)
    action = lambda slug: reverse("rapidreview:case_action", args=[case.pk, slug])  # noqa: E731

    client.post(
        action("receive-final-report"),
        {
            "upload": SimpleUploadedFile("Final.pdf", pdf_bytes()),
            **date_fields("received_on", today()),
            "token": uuid.uuid4(),
        },
    )
    client.post(action("plan-publication"), date_fields("planned_on", today() + timedelta(days=30)))
    client.post(action("report-sent"), date_fields("sent_on", today()))
    response = client.post(
        action("publish"),
        {
            "full_report": "True",
            "where_published": "https://example.org/cspr",
            **date_fields("published_on", today()),
        },
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == S.PUBLISHED


# --- triage, case panel, home ---------------------------------------------------------


# --- admin ----------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["log-involvement", "receive-final-report", "add-note"])
def test_forms_that_add_rows_send_their_one_time_token(slug, chair, practitioner, contacts, client):
    case = CaseFactory(status=S.LCSPR_IN_PROGRESS, created_by=practitioner, by=chair)
    client.force_login(chair)

    page = client.get(reverse("rapidreview:case_action", args=[case.pk, slug])).content.decode()

    assert re.search(r'<input type="hidden" name="token" value="[0-9a-f-]{36}"', page)


def test_recommendation_due_in_the_future_is_added_through_the_screen(
    chair, practitioner, contacts, agency, client
):
    case = case_in(S.FINAL_REPORT_RECEIVED, author=practitioner, by=chair)
    client.force_login(chair)
    due = today() + timedelta(days=120)

    response = client.post(
        reverse("rapidreview:case_action", args=[case.pk, "add-recommendation"]),
        {
            "required_action": "Audit information sharing between health visiting and schools.",
            "agencies": [str(agency.pk)],
            **date_fields("due_on", due),
            "token": str(uuid.uuid4()),
        },
    )

    assert response.status_code == 302
    assert list(Recommendation.objects.filter(referral=case).values_list("due_on", flat=True)) == [due]


@pytest.mark.parametrize("slug", ["commission-local-review", "national-review", "no-further-review"])
def test_next_step_pages_show_what_the_rapid_review_recommended(slug, chair, practitioner, contacts, client):
    case = CaseFactory(status=S.SENT_TO_PANEL, created_by=practitioner, by=chair)
    client.force_login(chair)

    page = client.get(reverse("rapidreview:case_action", args=[case.pk, slug])).content.decode()

    assert "What the rapid review recommended" in page
    assert "A local child safeguarding practice review" in page
    assert "Multi-agency learning about information sharing." in page


def test_commission_page_asks_why_when_the_rapid_review_recommended_otherwise(
    chair, practitioner, contacts, client
):
    from rapidreview.models import NextStep

    from ..helpers import complete_findings, decide

    agreed = case_in(S.SENT_TO_PANEL, author=practitioner, by=chair)
    other = submitted_case(author=practitioner)
    decide(other, chair)
    STEPS["start_rapid_review"](other, chair)
    review_services.case_complete_rapid_review(
        referral=other, by=chair, **complete_findings(recommendation=NextStep.NATIONAL_REVIEW)
    )
    STEPS["send_to_panel"](other, chair)
    client.force_login(chair)

    def label(case):
        form = client.get(
            reverse("rapidreview:case_action", args=[case.pk, "commission-local-review"])
        ).context["form"]
        return form.fields["rationale"].label

    assert label(agreed) == "Anything to add to the rapid review’s rationale? (optional)"
    assert label(other) == (
        "The rapid review recommended a national review, led by the National Panel: "
        "why is a local review being held?"
    )


def test_close_page_warns_of_deadlines_still_open(chair, practitioner, contacts, client):
    from deadlines.models import Deadline

    case = case_in(S.NO_REVIEW, author=practitioner, by=chair)
    still_open = Deadline.objects.filter(referral=case, status=Deadline.Status.OPEN).count()
    assert still_open  # the local authority's notifications, opened at submission
    client.force_login(chair)

    page = client.get(reverse("rapidreview:case_action", args=[case.pk, "close"])).content.decode()

    assert f"{still_open} deadlines on this case are still open" in page
    assert "Notify the National Panel" in page
