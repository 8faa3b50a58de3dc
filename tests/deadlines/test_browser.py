"""The coordinator's deadline screens in a real browser, checked with axe-core.

Set CSPR_SCREENSHOTS=<folder> to keep a screenshot of each screen.
"""

import os
from datetime import date

import pytest
from playwright.sync_api import expect

from cspr.accounts.roles import Role
from deadlines.models import Deadline, StatutoryNotification

from ..conftest import assert_accessible, sign_in
from ..factories import TEST_PASSWORD
from .factories import at, submitted_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name: str) -> None:
    folder = os.environ.get("CSPR_SCREENSHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        page.screenshot(path=os.path.join(folder, f"deadlines-{name}.png"), full_page=True)


@pytest.fixture
def cases(rulebook, clock, make_user, other_agency):
    clock.set(date(2026, 3, 5))
    author = make_user(Role.PRACTITIONER, username="author")
    police = make_user(Role.PRACTITIONER, username="police", agency_obj=other_agency)
    return [
        submitted_case(
            author=author,
            submitted_at=at(date(2026, 3, 2), 11),
            incident_date=date(2026, 2, 25),
            looked_after_death=True,
        ),
        submitted_case(author=police, submitted_at=at(date(2026, 3, 2), 11), incident_date=date(2026, 2, 26)),
        submitted_case(author=author, submitted_at=at(date(2026, 3, 5), 9), incident_date=date(2026, 3, 5)),
    ]


def test_coordinator_dashboard_and_case_actions(page, make_user, cases):
    make_user(Role.COORDINATOR, username="coordinator")
    sign_in(page, "coordinator", TEST_PASSWORD)
    expect(page.get_by_text("1 overdue")).to_be_visible()
    shot(page, "home")

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Deadlines").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Deadlines"
    first_row = page.locator("tbody tr").first
    assert "Overdue by 1 working day" in first_row.inner_text()
    first_row.get_by_text("How this date was worked out").click()
    assert "5 working days after Wed 25 Feb 2026" in first_row.inner_text()
    assert_accessible(page, context="dashboard")
    shot(page, "dashboard")

    page.get_by_label("Overdue only").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    assert_accessible(page, context="dashboard filtered")

    page.locator("tbody tr").first.get_by_role("link", name=cases[0].reference, exact=True).click()
    expect(page.get_by_role("heading", name="Deadlines", exact=True)).to_be_visible()
    assert_accessible(page, context="case page with deadlines")
    shot(page, "case")

    # Waive the overdue subgroup decision: first without a reason.
    page.get_by_role("link", name="Waive Subgroup decides whether to hold a rapid review").click()
    page.get_by_role("button", name="Waive deadline").click()
    expect(page.get_by_role("alert").get_by_text("Enter why the deadline is being waived")).to_be_visible()
    assert_accessible(page, context="waive form with error")
    shot(page, "waive-error")
    page.get_by_label("Why is this deadline being waived?").fill(
        "The neighbouring partnership is leading the review"
    )
    page.get_by_role("button", name="Waive deadline").click()
    expect(page.get_by_text("deadline waived")).to_be_visible()
    assert (
        Deadline.objects.get(referral=cases[0], rule__code="subgroup_decision").status
        == Deadline.Status.WAIVED
    )

    # Record the National Panel notification, with a mistake first.
    page.get_by_role("link", name="Record National Panel notified").click()
    page.get_by_label("Day").fill("4")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_role("alert").get_by_text("Enter the National Panel’s notification reference")
    ).to_be_visible()
    assert page.get_by_label("Year").input_value() == "2026"
    assert_accessible(page, context="notification form with error")
    shot(page, "record-notification-error")
    page.get_by_label("Notification reference").fill("SIN-2026-0042")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("National Panel notified: recorded")).to_be_visible()
    assert StatutoryNotification.objects.get(referral=cases[0]).reference == "SIN-2026-0042"

    # An earlier date the local authority became aware.
    page.get_by_role("link", name="Record an earlier date").click()
    assert_accessible(page, context="LA awareness form")
    page.get_by_label("Day").fill("27")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Save date").click()
    expect(page.get_by_text("Date the local authority became aware saved")).to_be_visible()
    assert Deadline.objects.get(referral=cases[0], rule__code="report_to_partners").due_date == date(
        2026, 3, 6
    )
    shot(page, "case-after")


def test_calendar_feed_page(page, make_user, cases):
    make_user(Role.PRACTITIONER, username="practitioner")
    sign_in(page, "author", TEST_PASSWORD)
    page.goto("/deadlines/calendar/")
    assert_accessible(page, context="calendar feed, no address")
    page.get_by_role("button", name="Create my calendar address").click()
    address = page.get_by_label("Copy this address into your calendar program").input_value()
    assert address.startswith("https://cspr.example.org/deadlines/feed/")
    assert_accessible(page, context="calendar feed with address")
    shot(page, "calendar-feed")
    page.get_by_role("button", name="Turn off my calendar address").click()
    expect(page.get_by_text("You do not have a calendar address at the moment.")).to_be_visible()


def test_practitioner_sees_only_their_own_deadlines(page, cases):
    sign_in(page, "police", TEST_PASSWORD)
    page.get_by_role("link", name="See the deadlines of your referrals").click()
    expect(page.get_by_role("heading", name="3 open deadlines")).to_be_visible()
    assert cases[1].reference in page.locator("tbody").inner_text()
    assert cases[0].reference not in page.locator("tbody").inner_text()
    assert_accessible(page, context="practitioner dashboard")
    shot(page, "practitioner-dashboard")


def test_case_timeline_shows_met_missed_waived_and_open(page, make_user, cases):
    from deadlines.services import deadline_waive, statutory_notification_record

    coordinator = make_user(Role.COORDINATOR, username="coordinator")
    late = submitted_case(
        author=cases[0].created_by,
        aware_at=at(date(2026, 3, 2), 9),
        submitted_at=at(date(2026, 3, 4), 10),
        incident_date=date(2026, 3, 2),
    )
    statutory_notification_record(
        referral=late, kind="report_to_partners", notified_on=date(2026, 3, 4), by=coordinator
    )
    deadline_waive(
        deadline=Deadline.objects.get(referral=late, rule__code="subgroup_decision"),
        by=coordinator,
        reason="A neighbouring partnership leads the review",
    )
    sign_in(page, "author", TEST_PASSWORD)
    page.goto(f"/deadlines/case/{late.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Deadlines"
    rows = {
        row.locator("td").first.inner_text().split("\n")[0]: row.locator("td").nth(2).inner_text()
        for row in page.locator("tbody tr").all()
    }
    assert rows["Refer the case to the partnership"].startswith("Missed (met late)")
    assert rows["Report the incident to the safeguarding partners"].startswith("Met")
    waived = rows["Subgroup decides whether to hold a rapid review, and with which organisations"]
    assert waived.split() == ["Waived", "On", "Thu", "5", "Mar", "2026"]
    assert rows["Notify the National Panel (serious incident notification)"] == "Due in 4 working days"
    page.locator("tbody tr").first.get_by_text("How this date was worked out").click()
    assert "1 working day after Mon 2 Mar 2026" in page.locator("tbody tr").first.inner_text()
    assert_accessible(page, context="case deadline timeline")
    shot(page, "case-timeline")
