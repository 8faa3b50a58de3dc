import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from cspr.accounts.roles import Role
from cspr.audit.models import AuditEvent
from referrals.models import Referral
from referrals.states import CaseStatus

from .factories import ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(make_user):
    return make_user(Role.ADMINISTRATOR, username="admin1")


@pytest.fixture
def model_admin():
    return admin.site._registry[Referral]


def admin_request(user):
    request = RequestFactory().post("/admin/")
    request.user = user
    return request


def test_admin_search_by_reference_and_filter_by_status_and_agency(
    client, administrator, other_agency, make_user
):
    ours = ReferralFactory(submitted=True, reference="CSPR-2026-0042")
    police = make_user(Role.PRACTITIONER, agency_obj=other_agency)
    theirs = ReferralFactory(created_by=police, submitted=True, reference="CSPR-2026-0043")
    client.force_login(administrator)
    url = reverse("admin:referrals_referral_changelist")

    by_reference = client.get(url, {"q": "0042"})
    by_agency = client.get(url, {"agency__id__exact": other_agency.pk})
    by_status = client.get(url, {"status__exact": CaseStatus.SUBMITTED})

    assert [r.pk for r in by_reference.context["cl"].result_list] == [ours.pk]
    assert [r.pk for r in by_agency.context["cl"].result_list] == [theirs.pk]
    assert {r.pk for r in by_status.context["cl"].result_list} == {ours.pk, theirs.pk}


def test_admin_search_box_finds_by_agency_name_and_status(client, administrator, other_agency, make_user):
    ours = ReferralFactory(submitted=True)
    police = make_user(Role.PRACTITIONER, agency_obj=other_agency)
    theirs = ReferralFactory(created_by=police, submitted=True)
    draft = ReferralFactory()
    client.force_login(administrator)
    url = reverse("admin:referrals_referral_changelist")

    by_agency = client.get(url, {"q": "Avon and Somerset"})
    by_status = client.get(url, {"q": "draft"})

    assert [r.pk for r in by_agency.context["cl"].result_list] == [theirs.pk]
    assert [r.pk for r in by_status.context["cl"].result_list] == [draft.pk]
    assert ours.pk not in {r.pk for r in by_status.context["cl"].result_list}


def test_admin_change_is_audited_without_values(administrator, model_admin):
    referral = ReferralFactory(submitted=True)
    request = admin_request(administrator)
    form_class = model_admin.get_form(request, referral, change=True)
    form = form_class(instance=referral)
    data = {name: form[name].value() for name in form.fields}
    data["summary_of_events"] = "Corrected summary"
    bound = form_class(data={k: ("" if v is None else v) for k, v in data.items()}, instance=referral)
    assert bound.is_valid(), bound.errors

    model_admin.save_model(request, bound.save(commit=False), bound, change=True)

    event = AuditEvent.objects.for_object(referral).get(action="admin.changed")
    assert event.actor == administrator
    assert "summary_of_events" in event.summary
    assert "Corrected" not in event.summary
    assert Referral.objects.get(pk=referral.pk).summary_of_events == "Corrected summary"


def test_admin_delete_is_audited(administrator, model_admin):
    referral = ReferralFactory()
    pk = referral.pk

    model_admin.delete_model(admin_request(administrator), referral)

    assert not Referral.objects.filter(pk=pk).exists()
    event = AuditEvent.objects.get(action="admin.deleted", object_id=str(pk))
    assert event.object_label == f"draft #{pk}"


def test_admin_cannot_edit_status_or_reference(administrator, model_admin):
    referral = ReferralFactory(submitted=True)

    readonly = model_admin.get_readonly_fields(admin_request(administrator), referral)

    assert {"status", "reference", "submitted_at"} <= set(readonly)


def test_admin_change_page_renders_and_its_read_is_audited(client, administrator):
    referral = ReferralFactory(submitted=True)
    client.force_login(administrator)

    response = client.get(reverse("admin:referrals_referral_change", args=[referral.pk]))

    assert response.status_code == 200
    event = AuditEvent.objects.for_object(referral).get(action="referral.viewed")
    assert (event.actor, event.summary) == (administrator, "Administration: change page")


def test_admin_change_page_of_missing_referral_audits_nothing(client, administrator):
    client.force_login(administrator)

    response = client.get(reverse("admin:referrals_referral_change", args=[987654]))

    assert response.status_code == 302  # the admin's "does not exist" redirect
    assert AuditEvent.objects.filter(action="referral.viewed").count() == 0
