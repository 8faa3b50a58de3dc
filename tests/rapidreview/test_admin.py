"""The lifecycle in Django admin (rapidreview/admin.py): buttons that make moves through the
services, never the state edited directly, and every record opened audited as a read of its
case."""

import pytest
from django.urls import reverse

from cspr.audit.models import AuditAction, AuditEvent
from referrals.lifecycle.states import CaseStatus
from referrals.models import CaseTransition

from .helpers import case_in

pytestmark = pytest.mark.django_db

S = CaseStatus


def test_admin_shows_lifecycle_buttons_and_makes_moves_through_the_service(case, administrator, client):
    client.force_login(administrator)
    change = client.get(reverse("admin:referrals_referral_change", args=[case.pk])).content.decode()
    withdraw_url = reverse("admin:referrals_referral_lifecycle", args=[case.pk, "withdraw"])
    assert withdraw_url in change
    assert reverse("admin:referrals_referral_lifecycle", args=[case.pk, "decide"]) not in change

    assert (
        "Enter why the referral is being withdrawn"
        in client.post(withdraw_url, {"reason": ""}).content.decode()
    )
    response = client.post(withdraw_url, {"reason": "The police asked to withdraw it"})

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == S.WITHDRAWN
    row = CaseTransition.objects.get(referral=case)
    assert (row.name, row.by, row.reason) == ("withdraw", administrator, "The police asked to withdraw it")


def test_admin_cannot_edit_the_state_directly(case, administrator, client):
    client.force_login(administrator)
    url = reverse("admin:referrals_referral_change", args=[case.pk])

    client.post(url, {"status": "closed", "duplicate_of": ""})

    case.refresh_from_db()
    assert case.status == S.SUBMITTED
    assert not CaseTransition.objects.filter(referral=case).exists()


def test_admin_refuses_the_decision_to_an_administrator(case, administrator, client):
    client.force_login(administrator)
    response = client.get(reverse("admin:referrals_referral_lifecycle", args=[case.pk, "decide"]))
    assert response.status_code == 403


def test_admin_review_record_opened_is_audited_as_a_read_of_its_case(
    chair, practitioner, contacts, make_user, client
):
    from cspr.accounts.roles import Role
    from rapidreview.models import RapidReview

    administrator = make_user(Role.ADMINISTRATOR, username="auditadmin", is_staff=True, is_superuser=True)
    case = case_in(S.RAPID_REVIEW_COMPLETE, author=practitioner, by=chair)
    review = RapidReview.objects.get(referral=case)
    client.force_login(administrator)

    for url in (
        reverse("admin:rapidreview_rapidreview_change", args=[review.pk]),
        reverse("admin:referrals_subgroupdecision_change", args=[case.subgroup_decision.pk]),
    ):
        assert client.get(url).status_code == 200

    assert list(
        AuditEvent.objects.for_object(case)
        .filter(action=AuditAction.CASE_VIEWED, actor=administrator)
        .order_by("id")
        .values_list("summary", flat=True)
    ) == ["Administration: rapid review opened", "Administration: subgroup decision opened"]
