"""The screens of the review's records (rapidreview/views/records.py): the recommendations
list and recording progress on one."""

import re
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse

from rapidreview.models import Recommendation
from referrals.lifecycle.states import CaseStatus

from ..helpers import case_in, today

pytestmark = pytest.mark.django_db

S = CaseStatus


def test_recommendation_progress_through_the_screen(
    chair, practitioner, contacts, agency, agency_lead, client
):
    from rapidreview.services import recommendation_add

    case = case_in(S.FINAL_REPORT_RECEIVED, author=practitioner, by=chair)
    recommendation = recommendation_add(
        referral=case,
        required_action="Audit",
        agencies=[agency],
        due_on=today(),
        token=uuid.uuid4(),
        by=chair,
    )
    client.force_login(agency_lead)
    url = reverse("rapidreview:recommendation_update", args=[recommendation.pk])

    empty = client.post(url, {"status": "in_progress", "note": "", "token": str(uuid.uuid4())})
    assert "Enter what has been done" in empty.content.decode()
    done = client.post(url, {"status": "done", "note": "Audit completed", "token": str(uuid.uuid4())})

    assert done.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.DONE
    assert list(recommendation.updates.values_list("note", flat=True)) == ["Audit completed"]


def test_recommendation_forms_send_their_one_time_token(chair, practitioner, contacts, agency, client):
    from rapidreview.services import recommendation_add

    case = case_in(S.FINAL_REPORT_RECEIVED, author=practitioner, by=chair)
    recommendation = recommendation_add(
        referral=case,
        required_action="Audit",
        agencies=[agency],
        due_on=today(),
        token=uuid.uuid4(),
        by=chair,
    )
    client.force_login(chair)

    for url in (
        reverse("rapidreview:case_action", args=[case.pk, "add-recommendation"]),
        reverse("rapidreview:recommendation_update", args=[recommendation.pk]),
    ):
        assert re.search(r'name="token" value="[0-9a-f-]{36}"', client.get(url).content.decode()), url


def test_recommendations_list_offers_progress_only_to_those_who_may_record_it(
    chair, member, practitioner, contacts, agency, client
):
    from rapidreview.services import recommendation_add

    case = case_in(S.FINAL_REPORT_RECEIVED, author=practitioner, by=chair)
    recommendation_add(
        referral=case,
        required_action="Audit",
        agencies=[agency],
        due_on=today(),
        token=uuid.uuid4(),
        by=chair,
    )
    Recommendation.objects.filter(referral=case).update(due_on=today() - timedelta(days=1))

    client.force_login(member)
    member_page = client.get(reverse("rapidreview:recommendations")).content.decode()
    client.force_login(chair)
    chair_page = client.get(reverse("rapidreview:recommendations")).content.decode()

    assert "Record progress" not in member_page
    assert "Record progress" in chair_page
    assert "Overdue" in chair_page
    assert f'href="{reverse("referrals:detail", args=[case.pk])}"' in chair_page
