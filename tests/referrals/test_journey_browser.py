"""A practitioner's whole referral, in a real browser, with an accessibility check on each page."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cspr.accounts.roles import Role
from cspr.notifications.models import ContactRole, Notification
from referrals.lifecycle.states import CaseStatus
from referrals.models import FamilyMember, Referral

from ..conftest import assert_accessible, sign_in
from ..factories import TEST_PASSWORD, ContactFactory
from .factories import CHILD_NAME, ReferralFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_date(page, field_id, day, month, year):
    page.locator(f"#id_{field_id}_0").fill(str(day))
    page.locator(f"#id_{field_id}_1").fill(str(month))
    page.locator(f"#id_{field_id}_2").fill(str(year))


def save_and_continue(page):
    page.get_by_role("button", name="Save and continue").click()


def test_practitioner_journey_from_start_to_submission(page, make_user, agency):
    make_user(
        Role.PRACTITIONER, username="pat", first_name="Pat", last_name="Practitioner", email="pat@example.org"
    )
    ContactFactory(role=ContactRole.COORDINATOR, agency=agency, email="coordinator@example.org")
    year = timezone.localdate().year
    future_year = year + 1

    sign_in(page, "pat", TEST_PASSWORD)
    assert_accessible(page, context="home")
    page.get_by_role("button", name="Start a referral").click()
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "Refer a case for a Child Safeguarding Practice Review"
    )
    assert_accessible(page, context="start page")
    page.get_by_role("button", name="Start now").click()

    # 1. Referrer and your steps: the referrer's details come from the account.
    assert page.get_by_role("heading", level=1).inner_text() == "Referrer and your steps"
    assert page.get_by_label("Your name").input_value() == "Pat Practitioner"
    page.get_by_label("Your role").fill("Social worker")
    page.get_by_label("Your telephone number").fill("01632 960 001")
    fill_date(page, "aware_on", 2, 3, 2026)
    page.get_by_label("Time you became aware").fill("09:30")
    page.get_by_label("Name of team leader or manager").fill("Robin Example")
    page.get_by_label("Their role").fill("Team manager")
    fill_date(page, "manager_agreed_on", 2, 3, 2026)
    page.get_by_role("group", name="Was there disagreement about whether to refer?").get_by_label(
        "No"
    ).check()
    assert_accessible(page, context="referrer section")
    save_and_continue(page)

    # 2. Child: a validation error keeps everything typed.
    assert page.get_by_role("heading", level=1).inner_text() == "Child"
    page.get_by_label("Name of child").fill("Ottilie Example")
    fill_date(page, "child_date_of_birth", 14, 6, future_year)
    page.get_by_label("Home address").fill("14 Example Street\nExampleton")
    page.get_by_label("Carer").fill("Marguerite Example (mother)")
    fill_date(page, "incident_date", 1, 3, 2026)
    page.get_by_label("Location of incident").fill("Family home")
    page.get_by_label("Ethnic origin").select_option(label="Mixed: Black Caribbean and White")
    page.get_by_role("group", name="Child protection plan").get_by_label("Has been").check()
    save_and_continue(page)
    summary = page.locator(".govuk-error-summary")
    assert "The child’s date of birth must be today or in the past" in summary.inner_text()
    assert page.title().startswith("Error:")
    assert page.get_by_label("Name of child").input_value() == "Ottilie Example"
    assert page.get_by_label("Home address").input_value() == "14 Example Street\nExampleton"
    assert page.locator("#id_child_date_of_birth_2").input_value() == str(future_year)
    assert page.get_by_role("group", name="Child protection plan").get_by_label("Has been").is_checked()
    assert_accessible(page, context="child section with errors")
    summary.get_by_role("link").first.click()
    page.locator("#id_child_date_of_birth_2").fill("2019")
    save_and_continue(page)

    # 3. Family: two rows, added without losing the first; then save and leave.
    assert page.get_by_role("heading", level=1).inner_text() == "Family and significant others"
    first = page.get_by_role("group", name="Family member 1")
    first.get_by_label("Name", exact=True).fill("Marguerite Example")
    first.get_by_label("Relationship to child").fill("Mother")
    page.get_by_role("button", name="Add another family member").click()
    first = page.get_by_role("group", name="Family member 1")
    assert first.get_by_label("Name", exact=True).input_value() == "Marguerite Example"
    second = page.get_by_role("group", name="Family member 2")
    second.get_by_label("Name", exact=True).fill("Barnaby Example")
    second.get_by_label("Relationship to child").fill("Stepfather")
    fill_date(page, "family-1-date_of_birth", 20, 1, 1990)
    assert_accessible(page, context="family section")
    page.get_by_role("button", name="Save and come back later").click()

    # The draft is saved; come back to it from "Your referrals".
    assert page.get_by_role("heading", level=1).inner_text() == "Your referral"
    assert "Your draft has been saved" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page, context="task list")
    page.goto("/")
    page.get_by_role("link", name="Your referrals").first.click()
    assert_accessible(page, context="your referrals")
    page.get_by_role("link", name=re.compile("^Continue")).click()
    page.get_by_role("link", name="Rapid review criteria").click()

    # 4. Rapid review criteria.
    page.get_by_role("group", name="Has the child died?").get_by_label("Yes").check()
    page.get_by_role("group", name="Has the child been seriously harmed?").get_by_label("No").check()
    page.get_by_label("Suspected", exact=True).check()
    page.get_by_role("group", name=re.compile("^Is there cause for concern")).get_by_label("Yes").check()
    page.get_by_label("Death of a looked-after child").check()
    assert_accessible(page, context="criteria section")
    save_and_continue(page)

    # 5. Summary of events.
    page.get_by_label("Summary of events").fill("Found unresponsive at home after a period of concern.")
    assert_accessible(page, context="summary section")
    save_and_continue(page)

    # 6. Other agencies and processes.
    page.get_by_role("button", name="Add an agency").click()
    agency_row = page.get_by_role("group", name="Agency 1")
    agency_row.get_by_label("Name", exact=True).fill("Jordan Example")
    agency_row.get_by_label("Agency", exact=True).fill("Exampleton Primary School")
    agency_row.get_by_label("Yes").check()
    page.get_by_role("button", name="Add a process").click()
    assert (
        page.get_by_role("group", name="Agency 1").get_by_label("Name", exact=True).input_value()
        == "Jordan Example"
    )
    process_row = page.get_by_role("group", name="Process 1")
    process_row.get_by_label("Coroner’s inquest").check()
    process_row.get_by_label("Current status").fill("Opened and adjourned")
    assert_accessible(page, context="others section")
    save_and_continue(page)

    # Check answers, then submit.
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "Check your answers before submitting your referral"
    )
    content = page.locator("main").inner_text()
    for answer in (
        "Ottilie Example",
        "Marguerite Example",
        "Barnaby Example",
        "Jordan Example",
        "Death of a looked-after child",
    ):
        assert answer in content
    assert_accessible(page, context="check answers")
    page.get_by_role("button", name="Submit referral").click()

    panel = page.locator(".govuk-panel")
    assert f"CSPR-{year}-0001" in panel.inner_text()
    assert_accessible(page, context="confirmation")
    page.get_by_role("link", name="View your referral").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith(f"CSPR-{year}-0001")
    assert_accessible(page, context="case page")

    referral = Referral.objects.get()
    assert (referral.status, referral.reference) == (CaseStatus.SUBMITTED, f"CSPR-{year}-0001")
    assert list(FamilyMember.objects.values_list("name", flat=True)) == [
        "Marguerite Example",
        "Barnaby Example",
    ]
    assert sorted(Notification.objects.values_list("recipient_email", flat=True)) == [
        "coordinator@example.org",
        "pat@example.org",
    ]


def test_rows_are_added_and_removed_without_javascript(chromium, live_server, make_user):
    user = make_user(Role.PRACTITIONER, username="nojs")
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, "nojs", TEST_PASSWORD)
        page.goto("/referrals/new/")
        page.get_by_role("button", name="Start now").click()
        referral = Referral.objects.get(created_by=user)
        page.goto(f"/referrals/{referral.pk}/draft/family/")
        page.get_by_role("group", name="Family member 1").get_by_label("Name", exact=True).fill("Kept Row")
        page.get_by_role("button", name="Add another family member").click()
        page.get_by_role("group", name="Family member 2").get_by_label("Name", exact=True).fill("Second Row")
        page.get_by_role("button", name="Add another family member").click()
        page.get_by_role("button", name="Remove family member 1").click()

        names = [
            page.get_by_role("group", name=f"Family member {i}")
            .get_by_label("Name", exact=True)
            .input_value()
            for i in (1, 2)
        ]
        assert names == ["Second Row", ""]
        assert page.get_by_role("group", name="Family member 3").count() == 0
    finally:
        context.close()


def test_error_pages_and_withdrawal_are_accessible(page, make_user):
    user = make_user(Role.PRACTITIONER, username="pat")
    referral = ReferralFactory(created_by=user, empty=True)
    sign_in(page, "pat", TEST_PASSWORD)

    # Submitting an incomplete referral: the error summary links to each question.
    page.goto(f"/referrals/{referral.pk}/check/")
    assert_accessible(page, context="check answers, incomplete")
    page.get_by_role("button", name="Submit referral").click()
    summary = page.locator(".govuk-error-summary")
    assert "Enter the child’s name" in summary.inner_text()
    assert page.title().startswith("Error:")
    assert_accessible(page, context="check answers, submission refused")
    summary.get_by_role("link", name="Enter the child’s name").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Child"
    expect(page.get_by_role("link", name="Back to check your answers")).to_be_visible()
    assert_accessible(page, context="child section from check answers")

    # A half-filled row: its errors are named by row, by the fields.
    page.goto(f"/referrals/{referral.pk}/draft/others/")
    page.get_by_role("button", name="Add an agency").click()
    page.get_by_role("group", name="Agency 1").get_by_label("Name", exact=True).fill("Jordan Example")
    page.get_by_role("button", name="Save and continue").click()
    summary = page.locator(".govuk-error-summary")
    assert "Agency 1: Enter the agency they work for" in summary.inner_text()
    assert page.get_by_role("group", name="Agency 1").get_by_label("Name", exact=True).input_value() == (
        "Jordan Example"
    )
    assert_accessible(page, context="others section with row errors")

    # Withdrawing the draft.
    page.goto(f"/referrals/{referral.pk}/draft/")
    page.get_by_role("link", name="Withdraw this draft").click()
    assert_accessible(page, context="withdraw draft")
    page.get_by_role("button", name="Withdraw draft").click()
    assert "Your draft has been withdrawn" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page, context="your referrals with a withdrawn draft")
    assert Referral.objects.get(pk=referral.pk).status == CaseStatus.WITHDRAWN


@pytest.mark.parametrize("role", [Role.AGENCY_LEAD, Role.CHAIR])
def test_agency_lead_and_chair_pages_are_accessible(page, make_user, role):
    author = make_user(Role.PRACTITIONER)
    referral = ReferralFactory(created_by=author, submitted=True, looked_after_death=True)
    make_user(role, username="reader")
    sign_in(page, "reader", TEST_PASSWORD)
    assert_accessible(page, context="home")

    page.get_by_role("link", name=re.compile(r"^See (your agency’s|all submitted) referrals$")).click()
    assert_accessible(page, context="referral list")
    page.get_by_label("Reference").fill(referral.reference)
    page.get_by_role("button", name="Filter referrals").click()
    assert_accessible(page, context="referral list, filtered")
    page.get_by_role("link", name=referral.reference).click()

    assert page.get_by_role("heading", level=1).inner_text().startswith(referral.reference)
    assert "Secretary of State and Ofsted" in page.locator(".govuk-warning-text").first.inner_text()
    page.get_by_text("The full referral form, every section").click()
    expect(page.get_by_text(CHILD_NAME).first).to_be_visible()
    assert_accessible(page, context="case page, full form open")
