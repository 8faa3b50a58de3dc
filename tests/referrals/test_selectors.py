"""The triage queue (referrals.selectors.triage_queue, possible_duplicates) as the
subgroup sees it: what awaits a decision, most urgent first, and a referral about the same
child and incident pointed out."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals.lifecycle.states import CaseStatus

from .factories import CaseFactory
from .helpers import submitted_case

pytestmark = pytest.mark.django_db

S = CaseStatus


def test_triage_lists_referrals_awaiting_a_decision_most_urgent_first(chair, practitioner, contacts, client):
    now = timezone.now()
    later = submitted_case(author=practitioner, submitted_at=now - timedelta(hours=1))
    urgent = submitted_case(author=practitioner, submitted_at=now - timedelta(days=9))
    decided = CaseFactory(status=S.RAPID_REVIEW_AGREED, created_by=practitioner, by=chair)
    client.force_login(chair)

    response = client.get(reverse("referrals:triage"))

    queue = list(response.context["queue"])
    assert queue == [urgent, later]
    page = response.content.decode()
    assert f'Record decision<span class="govuk-visually-hidden"> for {decided.reference}' not in page
    assert "Overdue" in page
    assert page.count("Record decision") == 2
    assert "Suspected" in page  # the criteria answers, at a glance


def test_triage_offers_the_decision_to_the_chair_only(case, coordinator, client):
    client.force_login(coordinator)
    page = client.get(reverse("referrals:triage")).content.decode()
    assert case.reference in page
    assert "Record decision" not in page


def test_triage_points_out_a_referral_about_the_same_child_and_incident(
    chair, practitioner, contacts, client
):
    from datetime import date

    earlier = CaseFactory(status=S.RAPID_REVIEW_AGREED, created_by=practitioner, by=chair)
    same = submitted_case(author=practitioner, child_date_of_birth=earlier.child_date_of_birth)
    different = submitted_case(author=practitioner, child_date_of_birth=date(2012, 1, 5))
    client.force_login(chair)

    response = client.get(reverse("referrals:triage"))

    rows = {referral.pk: referral.possible_duplicates for referral in response.context["queue"]}
    assert rows == {same.pk: [earlier], different.pk: []}
    assert f'Same child and incident date as <a class="govuk-link" href="/referrals/{earlier.pk}/">' in (
        response.content.decode()
    )
