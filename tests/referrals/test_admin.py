import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from cspr.accounts.roles import Role
from cspr.audit.models import AuditAction, AuditEvent
from referrals.lifecycle.states import CaseStatus
from referrals.models import Referral

from .factories import CHILD_ADDRESS, CHILD_NAME, SUMMARY, FamilyMemberFactory, ReferralFactory

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
    withdrawn = ReferralFactory(submitted=True, status=CaseStatus.WITHDRAWN)
    draft = ReferralFactory()
    client.force_login(administrator)
    url = reverse("admin:referrals_referral_changelist")

    by_agency = client.get(url, {"q": "Avon and Somerset"})
    by_status = client.get(url, {"q": "withdrawn"})
    for_drafts = client.get(url, {"q": "draft"})

    assert [r.pk for r in by_agency.context["cl"].result_list] == [theirs.pk]
    assert [r.pk for r in by_status.context["cl"].result_list] == [withdrawn.pk]
    assert ours.pk not in {r.pk for r in by_status.context["cl"].result_list}
    # Nobody sees another person's draft, in admin either: searching for drafts finds none.
    assert [r.pk for r in for_drafts.context["cl"].result_list] == []
    assert draft.pk not in {r.pk for r in client.get(url).context["cl"].result_list}


def test_admin_lists_only_referrals_that_were_submitted(client, administrator, make_user):
    submitted = ReferralFactory(submitted=True)
    withdrawn_after_submission = ReferralFactory(submitted=True, status=CaseStatus.WITHDRAWN)
    ReferralFactory()
    ReferralFactory(status=CaseStatus.WITHDRAWN)  # a draft abandoned before it was submitted
    # The administrator's own draft is no different: drafts are made and read in the app.
    ReferralFactory(created_by=make_user(Role.PRACTITIONER, Role.ADMINISTRATOR))
    client.force_login(administrator)

    response = client.get(reverse("admin:referrals_referral_changelist"))

    assert {r.pk for r in response.context["cl"].result_list} == {
        submitted.pk,
        withdrawn_after_submission.pk,
    }
    assert CHILD_NAME not in response.content.decode()


@pytest.mark.parametrize("status", [CaseStatus.DRAFT, CaseStatus.WITHDRAWN])
def test_admin_change_page_of_a_draft_shows_and_changes_nothing(client, administrator, make_user, status):
    draft = ReferralFactory(created_by=make_user(Role.PRACTITIONER), status=status)
    family = FamilyMemberFactory(referral=draft)
    client.force_login(administrator)
    url = reverse("admin:referrals_referral_change", args=[draft.pk])

    shown = client.get(url, follow=True)
    posted = client.post(url, {"child_name": "Changed in admin", "summary_of_events": "Changed"})

    assert shown.status_code == 200  # the admin's "does not exist" message on its index page
    for value in (CHILD_NAME, CHILD_ADDRESS, family.name, SUMMARY):
        assert value not in shown.content.decode()
    assert posted.status_code == 302
    draft.refresh_from_db()
    assert (draft.child_name, draft.summary_of_events) == (CHILD_NAME, SUMMARY)
    assert not AuditEvent.objects.for_object(draft).exists()
    delete = client.post(reverse("admin:referrals_referral_delete", args=[draft.pk]), {"post": "yes"})
    assert delete.status_code == 302
    assert Referral.objects.filter(pk=draft.pk).exists()


def test_admin_cannot_add_a_referral(client, administrator, model_admin):
    client.force_login(administrator)

    response = client.get(reverse("admin:referrals_referral_add"))

    assert response.status_code == 403
    assert model_admin.has_add_permission(admin_request(administrator)) is False


DEADLINE_AND_SCOPE_FIELDS = {"la_aware_on", "agency", "incident_date", "aware_at", "looked_after_death"}


def test_admin_cannot_edit_what_deadlines_count_from_or_which_agency_sees_the_case(
    administrator, model_admin, other_agency
):
    referral = ReferralFactory(submitted=True)
    request = admin_request(administrator)
    form_class = model_admin.get_form(request, referral, change=True)

    assert not DEADLINE_AND_SCOPE_FIELDS & set(form_class.base_fields)
    assert DEADLINE_AND_SCOPE_FIELDS <= set(model_admin.get_readonly_fields(request, referral))

    # Posted anyway, the values are ignored.
    form = form_class(instance=referral)
    data = {name: ("" if form[name].value() is None else form[name].value()) for name in form.fields}
    data.update(la_aware_on="2026-01-01", agency=other_agency.pk, incident_date="2026-01-01")
    bound = form_class(data=data, instance=referral)
    assert bound.is_valid(), bound.errors
    model_admin.save_model(request, bound.save(commit=False), bound, change=True)
    before = (referral.la_aware_on, referral.agency_id, referral.incident_date)
    referral.refresh_from_db()
    assert (referral.la_aware_on, referral.agency_id, referral.incident_date) == before


def test_admin_change_page_shows_the_read_only_fields(client, administrator):
    referral = ReferralFactory(submitted=True)
    client.force_login(administrator)

    html = client.get(reverse("admin:referrals_referral_change", args=[referral.pk])).content.decode()

    for name in DEADLINE_AND_SCOPE_FIELDS:
        assert f'name="{name}"' not in html
    assert "Date the local authority became aware" in html


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
    event = AuditEvent.objects.for_object(referral).get(action=AuditAction.CASE_VIEWED)
    assert (event.actor, event.summary) == (administrator, "Administration: change page")


def test_admin_change_page_of_missing_referral_audits_nothing(client, administrator):
    client.force_login(administrator)

    response = client.get(reverse("admin:referrals_referral_change", args=[987654]))

    assert response.status_code == 302  # the admin's "does not exist" redirect
    assert AuditEvent.objects.filter(action=AuditAction.CASE_VIEWED).count() == 0
