import time

import pytest
from django.core import mail
from django.urls import reverse

from cspr.accounts.middleware import SESSION_KEY
from cspr.accounts.roles import Role
from cspr.audit.models import AuditEvent
from cspr.notifications.models import Notification
from cspr.notifications.services import notification_deliver

from ..factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, username, password=TEST_PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.0.0.1")


def test_login_with_correct_password_lands_on_home_and_is_audited(client, make_user):
    user = make_user(Role.PRACTITIONER, username="pat")

    response = sign_in(client, "pat")

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    assert AuditEvent.objects.filter(actor=user, action="account.login").count() == 1


def test_login_with_wrong_password_shows_error_and_keeps_username(client, make_user):
    make_user(username="pat")

    response = sign_in(client, "pat", "wrong-password")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a correct username and password" in html
    assert "govuk-error-summary" in html
    assert 'value="pat"' in html


def test_logout_ends_session(client, make_user):
    make_user(username="pat")
    sign_in(client, "pat")

    response = client.post(reverse("logout"))

    assert response.status_code == 200
    assert client.get(reverse("home")).status_code == 302


def test_home_requires_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_lockout_after_repeated_failures_refuses_even_the_right_password(client, make_user, settings):
    make_user(username="pat")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "pat", "wrong-password")

    response = sign_in(client, "pat")

    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_lockout_does_not_affect_another_account(client, make_user, settings):
    make_user(username="pat")
    make_user(username="sam")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "pat", "wrong-password")

    assert sign_in(client, "sam").status_code == 302


def test_idle_session_is_signed_out_with_message(client, make_user, settings):
    make_user(username="pat")
    sign_in(client, "pat")
    session = client.session
    session[SESSION_KEY] = int(time.time()) - settings.SESSION_IDLE_MINUTES * 60 - 5
    session.save()

    response = client.get(reverse("home"), follow=True)

    assert response.redirect_chain[0][0] == reverse("login") + "?timeout=1"
    assert (
        "You were signed out because you had not used the service for 30 minutes" in response.content.decode()
    )
    assert client.get(reverse("home")).status_code == 302


def test_active_session_within_idle_limit_stays_signed_in(client, make_user, settings):
    make_user(username="pat")
    sign_in(client, "pat")
    session = client.session
    session[SESSION_KEY] = int(time.time()) - settings.SESSION_IDLE_MINUTES * 60 + 60
    session.save()

    assert client.get(reverse("home")).status_code == 200


def test_password_reset_sends_link_to_account_address(client, make_user):
    make_user(username="pat", email="pat@example.org")

    response = client.post(reverse("password_reset"), {"email": "pat@example.org"})
    notification_deliver(notification_id=Notification.objects.get(event="account_password_reset").pk)

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["pat@example.org"]
    assert "/account/password/reset/" in mail.outbox[0].body


def test_password_change_requires_current_password(client, make_user):
    make_user(username="pat")
    sign_in(client, "pat")

    response = client.post(
        reverse("password_change"),
        {
            "old_password": "not-it",
            "new_password1": "A-much-longer-pass-2026",
            "new_password2": "A-much-longer-pass-2026",
        },
    )

    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()


def test_login_error_is_shown_once_in_the_error_summary(client, make_user):
    make_user(username="pat")

    html = sign_in(client, "pat", "wrong-password").content.decode()

    assert html.count("Enter a correct username and password") == 1
    assert "alert-danger" not in html
