"""Password changes and resets: audited, told to the person through the outbox, throttled."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse

from cspr.accounts.models import SignInThrottle
from cspr.accounts.roles import Role
from cspr.accounts.services import RESET_REQUESTS_TOO_MANY
from cspr.accounts.throttle import sign_in_failure_record
from cspr.audit.models import AuditEvent
from cspr.notifications.models import Notification
from cspr.notifications.services import notification_deliver

from ..factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "A-much-longer-pass-2026"


def request_reset(client, email, address="203.0.113.5"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def deliver(notification):
    notification_deliver(notification_id=notification.pk)
    return mail.outbox[-1]


def reset_rows(user):
    return Notification.objects.filter(event="account_password_reset", recipient_user=user)


def test_reset_mail_is_queued_in_the_outbox_not_sent_in_the_request(
    client, make_user, queued_tasks, django_capture_on_commit_callbacks
):
    pat = make_user(username="pat", email="pat@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = request_reset(client, "pat@example.org")

    assert response.status_code == 302
    assert mail.outbox == []
    row = reset_rows(pat).get()
    assert row.status == Notification.Status.PENDING
    assert [(name, kwargs) for name, _args, kwargs in queued_tasks] == [
        ("cspr.notifications.tasks.notification_deliver_task", {"notification_id": row.pk})
    ]


def test_reset_link_in_the_mail_opens_the_new_password_form_and_is_then_dropped_from_the_outbox(
    client, make_user
):
    pat = make_user(username="pat", email="pat@example.org")
    request_reset(client, "PAT@example.org")

    message = deliver(reset_rows(pat).get())
    link = re.search(r"https://cspr\.example\.org(/account/password/reset/\S+)", message.body).group(1)

    assert message.to == ["pat@example.org"]
    assert "works once" in message.body
    assert "1 hour" in message.body
    assert client.get(link, follow=True).context["validlink"] is True
    assert "link_path" not in reset_rows(pat).get().context


def test_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client, make_user):
    make_user(username="pat", email="pat@example.org")

    known = request_reset(client, "pat@example.org")
    unknown = request_reset(client, "nobody@example.org")

    assert (unknown.status_code, unknown.url) == (known.status_code, known.url)
    assert Notification.objects.filter(event="account_password_reset").count() == 1
    assert AuditEvent.objects.filter(
        action="account.password_reset_requested", summary="No account has that address"
    ).exists()


def test_reset_requests_are_audited_without_the_typed_address(client, make_user):
    pat = make_user(username="pat", email="pat@example.org")

    request_reset(client, "pat@example.org")

    event = AuditEvent.objects.get(action="account.password_reset_requested")
    assert (event.object_id, event.ip_address, event.summary) == (
        str(pat.pk),
        "203.0.113.5",
        "Reset link queued",
    )
    assert "pat@example.org" not in event.summary


def test_many_reset_requests_send_at_most_three_links_an_hour_to_one_account(client, make_user):
    pat = make_user(username="pat", email="pat@example.org")

    responses = [request_reset(client, "pat@example.org", address=f"203.0.113.{n}") for n in range(6)]

    assert {r.status_code for r in responses} == {302}
    assert reset_rows(pat).count() == 3


def test_reset_requests_from_one_address_are_refused_past_the_hourly_limit(client, make_user, settings):
    settings.PASSWORD_RESET_PER_ADDRESS_PER_HOUR = 3
    for n in range(3):
        request_reset(client, f"someone{n}@example.org")

    response = request_reset(client, "typed@example.org")

    assert response.status_code == 429
    html = response.content.decode()
    assert RESET_REQUESTS_TOO_MANY in html
    assert 'value="typed@example.org"' in html
    assert AuditEvent.objects.filter(action="account.password_reset_refused").count() == 1


def test_reset_link_lives_one_hour(make_user, monkeypatch, settings):
    pat = make_user(username="pat")
    token = default_token_generator.make_token(pat)
    issued = default_token_generator._now()

    monkeypatch.setattr(default_token_generator, "_now", lambda: issued + timedelta(minutes=59))
    assert default_token_generator.check_token(pat, token) is True
    monkeypatch.setattr(default_token_generator, "_now", lambda: issued + timedelta(minutes=61))
    assert default_token_generator.check_token(pat, token) is False
    assert settings.PASSWORD_RESET_TIMEOUT == 3600


def test_completing_a_reset_is_audited_tells_the_person_and_ends_the_sign_in_back_off(client, make_user):
    pat = make_user(username="pat", email="pat@example.org")
    sign_in_failure_record(username="pat")
    request_reset(client, "pat@example.org")
    link = re.search(r"(/account/password/reset/\S+)", deliver(reset_rows(pat).get()).body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]

    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert response.status_code == 302
    pat.refresh_from_db()
    assert pat.check_password(NEW_PASSWORD)
    assert (
        AuditEvent.objects.filter(action="account.password_reset_completed", object_id=str(pat.pk)).count()
        == 1
    )
    notice = Notification.objects.get(event="account_password_changed", recipient_user=pat)
    assert notice.context["event_label"] == "Your password was reset"
    assert not SignInThrottle.objects.exists()


def test_changing_your_own_password_is_audited_and_emailed(client, make_user):
    pat = make_user(username="pat", email="pat@example.org")
    client.force_login(pat)

    response = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    event = AuditEvent.objects.get(action="account.password_changed")
    assert (event.actor, event.object_id) == (pat, str(pat.pk))
    message = deliver(Notification.objects.get(event="account_password_changed", recipient_user=pat))
    assert message.to == ["pat@example.org"]
    assert NEW_PASSWORD not in message.body


def test_a_failed_password_change_is_not_audited(client, make_user):
    client.force_login(make_user(username="pat"))

    client.post(
        reverse("password_change"),
        {"old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert not AuditEvent.objects.filter(action="account.password_changed").exists()
    assert not Notification.objects.exists()


def admin_set_password(client, person, password1=NEW_PASSWORD, password2=NEW_PASSWORD):
    return client.post(
        reverse("admin:auth_user_password_change", args=[person.pk]),
        {"usable_password": "true", "password1": password1, "password2": password2},
    )


def test_administrator_setting_a_password_is_audited_and_the_person_emailed(client, make_user):
    boss = make_user(Role.ADMINISTRATOR, username="boss", first_name="Alex", last_name="Admin")
    pat = make_user(username="pat", email="pat@example.org")
    client.force_login(boss)

    response = admin_set_password(client, pat)

    assert response.status_code == 302
    pat.refresh_from_db()
    assert pat.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(action="account.password_set_by_admin")
    assert (event.actor, event.object_type, event.object_id) == (boss, "accounts.user", str(pat.pk))
    message = deliver(Notification.objects.get(event="account_password_set_by_admin", recipient_user=pat))
    assert message.to == ["pat@example.org"]
    assert "Alex Admin" in message.body
    assert NEW_PASSWORD not in message.body
    assert NEW_PASSWORD not in message.subject


def test_an_invalid_admin_password_form_writes_nothing(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR, username="boss"))
    pat = make_user(username="pat")

    response = admin_set_password(client, pat, password2="different-one-2026")

    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action="account.password_set_by_admin").exists()
    assert not Notification.objects.exists()


def test_admin_never_shows_a_reset_link_in_the_outbox(client, make_user):
    pat = make_user(username="pat", email="pat@example.org")
    request_reset(client, "pat@example.org")
    row = reset_rows(pat).get()
    client.force_login(make_user(Role.ADMINISTRATOR, username="boss", is_superuser=True))

    html = client.get(reverse("admin:notifications_notification_change", args=[row.pk])).content.decode()

    assert row.context["link_path"] not in html
    assert "/account/password/reset/" not in html
