import pytest
from django.urls import reverse

from cspr.accounts.roles import Role
from cspr.audit.models import AuditEvent
from cspr.audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(make_user):
    return audit_record(make_user(username="pat"), "referral.view", None, "viewed")


def test_audit_record_stores_actor_and_action(event):
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.actor_username, stored.action, stored.summary) == ("pat", "referral.view", "viewed")


def test_audit_event_cannot_be_changed_or_deleted_in_code(event):
    event.summary = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().update(summary="rewritten")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).summary == "viewed"


@pytest.mark.parametrize("superuser", [False, True])
def test_audit_events_are_read_only_in_admin(client, make_user, event, superuser):
    admin_user = make_user(Role.ADMINISTRATOR, username="boss", is_superuser=superuser)
    client.force_login(admin_user)
    change_url = reverse("admin:audit_auditevent_change", args=[event.pk])
    delete_url = reverse("admin:audit_auditevent_delete", args=[event.pk])

    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    page = client.get(change_url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    client.post(change_url, {"action": "changed", "summary": "rewritten"})
    assert client.get(delete_url).status_code == 403
    client.post(delete_url, {"post": "yes"})
    client.post(
        reverse("admin:audit_auditevent_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403

    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.action, stored.summary) == ("referral.view", "viewed")
