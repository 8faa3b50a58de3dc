"""What the lifecycle's reads show (rapidreview/selectors.py): the case panel's actions and
what blocks them, the case's timeline, and the home page's counts."""

import pytest
from django.urls import reverse

from referrals.lifecycle.states import CaseStatus

from .factories import CaseFactory
from .helpers import case_in

pytestmark = pytest.mark.django_db

S = CaseStatus


def test_case_panel_offers_each_person_their_actions(case, chair, coordinator, client):
    client.force_login(chair)
    chair_page = client.get(reverse("referrals:detail", args=[case.pk])).content.decode()
    client.force_login(coordinator)
    coordinator_page = client.get(reverse("referrals:detail", args=[case.pk])).content.decode()

    assert "Record the subgroup decision" in chair_page
    assert "Record the subgroup decision" not in coordinator_page
    assert "Withdraw the referral" in coordinator_page
    assert "Link to another case as a duplicate" in coordinator_page


def test_case_panel_says_what_must_be_recorded_before_publishing(chair, practitioner, contacts, client):
    case = CaseFactory(status=S.FINAL_REPORT_RECEIVED, created_by=practitioner, by=chair)
    client.force_login(chair)

    page = client.get(reverse("referrals:detail", args=[case.pk])).content.decode()

    assert "Before you can record the publication:" in page
    assert "Plan the publication date" in page


def test_timeline_shows_moves_and_records(chair, practitioner, contacts, client):
    case = case_in(S.FINAL_REPORT_RECEIVED, author=practitioner, by=chair)
    client.force_login(chair)

    timeline = client.get(reverse("referrals:detail", args=[case.pk])).context["timeline"]

    titles = [entry.title for entry in timeline]
    assert titles[0] == "Submitted"
    assert titles.index("Rapid review agreed") < titles.index("Final report received")
    assert any(title.startswith("Publication planned for") for title in titles)


def test_home_shows_the_chair_what_awaits_and_the_lead_their_recommendations(
    case, chair, agency_lead, agency, client
):
    client.force_login(chair)
    assert "1 referral awaiting the subgroup decision" in client.get("/").content.decode()

    client.force_login(agency_lead)
    page = client.get("/").content.decode()
    assert "There are no open recommendations for your agency" in page


def test_home_counts_open_cases_by_stage_with_a_link_to_each(chair, member, practitioner, contacts, client):
    for state in (S.RAPID_REVIEW_IN_PROGRESS, S.RAPID_REVIEW_IN_PROGRESS, S.LCSPR_COMMISSIONED, S.CLOSED):
        CaseFactory(status=state, created_by=practitioner, by=chair)
    client.force_login(member)

    stages = client.get("/").context["stages"]

    assert stages == [
        ("rapid_review_in_progress", "Rapid review in progress", 2),
        ("lcspr_commissioned", "Local review commissioned", 1),
    ]
    page = client.get("/").content.decode()
    assert f'href="{reverse("referrals:list")}?status=rapid_review_in_progress"' in page
