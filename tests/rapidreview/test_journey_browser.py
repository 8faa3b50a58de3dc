"""The chair's journey in a real browser: triage → decision → start the rapid review →
complete it → send it to the National Panel → commission a local review, with an
accessibility check on every page on the way."""

import re

import pytest
from playwright.sync_api import expect

from cspr.accounts.roles import Role
from referrals.lifecycle.states import CaseStatus
from referrals.models import CaseTransition

from ..conftest import assert_accessible, sign_in
from ..factories import TEST_PASSWORD
from .helpers import submitted_case, today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_date(page, legend, day):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def answer(page, question, choice):
    page.get_by_role("group", name=question).get_by_label(choice, exact=True).check()


def test_chair_takes_a_case_from_triage_to_a_commissioned_local_review(
    page, make_user, practitioner, contacts
):
    chair = make_user(Role.CHAIR, username="journeychair")
    case = submitted_case(author=practitioner)
    sign_in(page, "journeychair", TEST_PASSWORD)
    expect(page.get_by_role("link", name="1 referral awaiting the subgroup decision")).to_be_visible()
    assert_accessible(page, context="home")

    # Triage
    page.get_by_role("link", name="Triage").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Referrals awaiting a decision")
    assert_accessible(page, context="triage")
    page.get_by_role("link", name=f"Record decision for {case.reference}").click()

    # The decision: first without the rationale, to see the problem shown
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the subgroup decision")
    assert_accessible(page, context="decision form")
    page.get_by_label("Hold a rapid review").check()
    page.get_by_label(case.agency.name).check()
    for question in (
        "Highlights or may highlight improvements needed to safeguard children",
        "Highlights or may highlight concerns about two or more agencies working together",
    ):
        answer(page, question, "Yes")
    for question in (
        "Highlights or may highlight recurrent themes in safeguarding children",
        "The National Panel considered that a local review may be more appropriate",
        "Cause for concern about the actions of a single agency",
        "No agency involvement, and this gives cause for concern",
        "More than one local authority, police area or health board involved",
        "Raises issues about safeguarding children in institutional settings",
    ):
        answer(page, question, "No")
    answer(page, "Has the decision been communicated to the family?", "Not yet")
    answer(page, "Has the decision been communicated to the referrer?", "Yes")
    fill_date(page, "If yes: date the referrer was told", today())
    page.get_by_role("button", name="Record the decision").click()
    expect(page).to_have_title(re.compile(r"^Error: Record the subgroup decision"))
    expect(page.get_by_role("link", name="The decision needs a rationale")).to_be_visible()
    assert_accessible(page, context="decision form with a problem")
    assert page.get_by_label(case.agency.name).is_checked()
    page.get_by_label("Why did the subgroup reach this decision?").fill(
        "Two agencies held information that was not shared."
    )
    page.get_by_role("button", name="Record the decision").click()

    # The case page, and the start of the rapid review
    expect(page.get_by_text("The subgroup decision has been recorded")).to_be_visible()
    expect(page.locator("#case-status")).to_have_text("Rapid review agreed")
    assert_accessible(page, context="case page after the decision")
    page.get_by_role("button", name="Start the rapid review").click()
    assert_accessible(page, context="start the rapid review")
    assert page.get_by_label(case.agency.name).is_checked()
    page.get_by_role("button", name="Start the rapid review").click()
    expect(page.locator("#case-status")).to_have_text("Rapid review in progress")

    # Completing it
    page.get_by_role("button", name="Complete the rapid review").click()
    assert_accessible(page, context="complete the rapid review")
    page.get_by_label("Facts gathered").fill("Chronology agreed by the agencies taking part.")
    answer(page, "Was immediate action needed to ensure children’s safety?", "Yes")
    page.get_by_label("If yes: what was done").fill("Safety plan for the siblings.")
    page.get_by_label("Improvements identified").fill("Information sharing between health and education.")
    page.get_by_label("Learning shared with agencies").fill("Briefing to safeguarding leads.")
    page.get_by_label("A local child safeguarding practice review").check()
    page.get_by_label("Rationale for the recommendation").fill("Multi-agency learning.")
    page.get_by_role("button", name="Complete the rapid review").click()
    expect(page.locator("#case-status")).to_have_text("Rapid review complete")
    assert_accessible(page, context="case page, rapid review complete")

    # Sending it to the National Panel
    page.get_by_role("button", name="Record that the rapid review was sent to the National Panel").click()
    assert_accessible(page, context="send to the National Panel")
    page.get_by_role("button", name="Record as sent").click()
    expect(page.locator("#case-status")).to_have_text("Sent to the National Panel")

    # Commissioning the local review
    page.get_by_role("button", name="Commission a local review").click()
    assert_accessible(page, context="commission a local review")
    fill_date(page, "Date the partners decided to hold a local review", today())
    page.get_by_label("Reviewer’s name").fill("Sam Reviewer")
    page.get_by_label("Reviewer’s organisation").fill("Independent Reviews Ltd")
    fill_date(page, "Date the reviewer was commissioned", today())
    page.get_by_role("button", name="Commission the local review").click()
    expect(page.get_by_text("The local review has been commissioned")).to_be_visible()
    expect(page.locator("#case-status")).to_have_text("Local review commissioned")
    assert_accessible(page, context="case page, local review commissioned")
    page.get_by_role("link", name="Home").click()
    expect(page.get_by_role("link", name="Local review commissioned")).to_be_visible()
    assert_accessible(page, context="home, with a case by stage")

    case.refresh_from_db()
    assert case.status == CaseStatus.LCSPR_COMMISSIONED
    assert list(CaseTransition.objects.filter(referral=case).values_list("to_status", "by")) == [
        (CaseStatus.RAPID_REVIEW_AGREED, chair.pk),
        (CaseStatus.RAPID_REVIEW_IN_PROGRESS, chair.pk),
        (CaseStatus.RAPID_REVIEW_COMPLETE, chair.pk),
        (CaseStatus.SENT_TO_PANEL, chair.pk),
        (CaseStatus.LCSPR_COMMISSIONED, chair.pk),
    ]


def test_member_adds_a_note_and_the_recommendations_page_is_accessible(
    page, make_user, practitioner, contacts
):
    make_user(Role.MEMBER, username="journeymember")
    case = submitted_case(author=practitioner)
    sign_in(page, "journeymember", TEST_PASSWORD)

    page.goto(f"/referrals/{case.pk}/actions/add-note/")
    assert_accessible(page, context="add a note")
    page.get_by_role("button", name="Add the note").click()
    expect(page.get_by_role("link", name="Enter your note")).to_be_visible()
    page.get_by_label("Your note").fill("Police hold CCTV from the street.")
    page.get_by_role("button", name="Add the note").click()
    expect(page.get_by_text("Police hold CCTV from the street.")).to_be_visible()

    page.goto("/reviews/recommendations/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Recommendations")
    assert_accessible(page, context="recommendations")


def test_local_review_pages_are_accessible_to_each_role(page, make_user, practitioner, contacts, agency):
    import uuid

    from rapidreview.services import recommendation_add

    from .helpers import STEPS, case_in

    chair = make_user(Role.CHAIR, username="lrchair")
    make_user(Role.AGENCY_LEAD, username="lrlead")
    case = case_in(CaseStatus.LCSPR_IN_PROGRESS, author=practitioner, by=chair)

    sign_in(page, "lrchair", TEST_PASSWORD)
    page.goto(f"/referrals/{case.pk}/actions/receive-final-report/")
    assert_accessible(page, context="upload the final report")
    page.get_by_label("Final report").set_input_files(
        files=[{"name": "report.pdf", "mimeType": "application/pdf", "buffer": b"not a pdf at all"}]
    )
    page.get_by_role("button", name="Upload the final report").click()
    expect(
        page.get_by_role("link", name="The selected file is not a valid PDF or Word document")
    ).to_be_visible()
    assert_accessible(page, context="upload with a problem")
    page.goto(f"/referrals/{case.pk}/actions/log-involvement/")
    assert_accessible(page, context="involvement log")

    STEPS["receive_final_report"](case, chair)
    recommendation = recommendation_add(
        referral=case,
        required_action="Review information sharing between health visiting and schools.",
        agencies=[agency],
        due_on=today(),
        token=uuid.uuid4(),
        by=chair,
    )
    page.goto(f"/referrals/{case.pk}/actions/plan-publication/")
    assert_accessible(page, context="plan the publication")
    ended = case_in(CaseStatus.NO_REVIEW, author=practitioner, by=chair)
    page.goto(f"/referrals/{ended.pk}/actions/close/")
    expect(page.locator("#open-deadlines-warning")).to_be_visible()
    assert_accessible(page, context="close the case, with deadlines still open")
    page.goto(f"/referrals/{case.pk}/")
    assert_accessible(page, context="case page with a final report, as the chair")

    page.context.clear_cookies()
    sign_in(page, "lrlead", TEST_PASSWORD)
    page.get_by_role("link", name="Recommendations").click()
    assert_accessible(page, context="recommendations for an agency")
    page.get_by_role("link", name="Record progress").click()
    assert_accessible(page, context="record progress")
    page.get_by_role("button", name="Save progress").click()
    expect(page.get_by_role("link", name="Enter what has been done")).to_be_visible()
    assert_accessible(page, context="record progress with a problem")
    page.get_by_label("In progress").check()
    page.get_by_label("What has been done").fill("Audit of information sharing planned for March.")
    page.get_by_role("button", name="Save progress").click()
    expect(
        page.get_by_text(f"Progress on recommendation {recommendation.number} has been saved")
    ).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, "practitioner", TEST_PASSWORD)
    page.goto(f"/referrals/{case.pk}/")
    expect(page.locator("#case-status")).to_have_text("Final report received")
    assert_accessible(page, context="case page as the referrer")
