"""Sign-in lockout: per real client address (behind our proxy too) and per username."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from cspr.accounts.models import SignInThrottle
from cspr.accounts.roles import Role
from cspr.accounts.throttle import SIGN_IN_PAUSED, backoff_minutes, sign_in_failure_record, username_digest
from cspr.audit.models import AuditEvent

from ..factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "172.30.80.10"


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXY_ADDRESSES = [PROXY]


def sign_in_via_proxy(client, username, password, client_address):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=client_address,
    )


def sign_in_from(client, username, password, address):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_lockout_behind_proxy_locks_only_the_guessing_client(client, make_user, settings, behind_proxy):
    make_user(username="pat")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in_via_proxy(client, "pat", "wrong-password", "203.0.113.66")

    assert sign_in_via_proxy(client, "pat", TEST_PASSWORD, "203.0.113.66").status_code == 429
    # Pat, from another address, is not locked out by someone else's guesses.
    assert sign_in_via_proxy(client, "pat", TEST_PASSWORD, "198.51.100.7").status_code == 302


def test_lockout_records_the_client_address_the_audit_uses(client, make_user, settings, behind_proxy):
    make_user(username="pat")
    sign_in_via_proxy(client, "pat", "wrong-password", "203.0.113.66")

    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.66"]


def test_forged_forwarded_for_from_a_direct_client_does_not_escape_the_lockout(
    client, make_user, settings, behind_proxy
):
    make_user(username="pat")
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": "pat", "password": "wrong-password"},
            REMOTE_ADDR="192.0.2.50",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )

    response = client.post(
        reverse("login"),
        {"username": "pat", "password": TEST_PASSWORD},
        REMOTE_ADDR="192.0.2.50",
        HTTP_X_FORWARDED_FOR="203.0.113.99",
    )

    assert response.status_code == 429


def test_guesses_from_many_addresses_hit_the_username_cap(client, make_user, settings):
    settings.SIGN_IN_USERNAME_FAILURE_LIMIT = 6
    make_user(username="pat")
    for n in range(settings.SIGN_IN_USERNAME_FAILURE_LIMIT):
        sign_in_from(client, "pat", "wrong-password", f"203.0.113.{n}")

    # A fresh address with the right password is refused while the username waits.
    response = sign_in_from(client, "pat", TEST_PASSWORD, "198.51.100.7")

    assert response.status_code == 200
    html = response.content.decode()
    assert SIGN_IN_PAUSED.split(" Try")[0] in html
    assert client.get(reverse("home")).status_code == 302
    assert AuditEvent.objects.filter(action="account.sign_in_paused").count() == 1


def test_username_cap_applies_to_names_without_an_account(client, make_user, settings):
    settings.SIGN_IN_USERNAME_FAILURE_LIMIT = 3
    for n in range(3):
        sign_in_from(client, "nobody-here", "wrong-password", f"203.0.113.{n}")

    html = sign_in_from(client, "nobody-here", "anything", "198.51.100.7").content.decode()

    assert SIGN_IN_PAUSED.split(" Try")[0] in html


def test_refused_tries_during_the_wait_check_no_password_and_are_not_counted(client, make_user, settings):
    settings.SIGN_IN_USERNAME_FAILURE_LIMIT = 3
    make_user(username="pat")
    for n in range(3):
        sign_in_from(client, "pat", "wrong-password", f"203.0.113.{n}")
    for n in range(4):
        sign_in_from(client, "pat", "wrong-password", f"198.51.100.{n}")

    assert SignInThrottle.objects.get(username_digest=username_digest("pat")).failures == 3


def test_back_off_doubles_with_each_failure_past_the_cap_up_to_the_maximum(settings):
    settings.SIGN_IN_USERNAME_FAILURE_LIMIT = 10
    settings.SIGN_IN_BACKOFF_MAX_MINUTES = 60

    assert [backoff_minutes(n) for n in (9, 10, 11, 12, 13, 15, 16, 40)] == [0, 1, 2, 4, 8, 32, 60, 60]


def test_wait_ends_and_success_clears_the_count(client, make_user, settings):
    settings.SIGN_IN_USERNAME_FAILURE_LIMIT = 2
    make_user(username="pat")
    earlier = timezone.now() - timedelta(minutes=5)
    sign_in_failure_record(username="pat", now=earlier)
    sign_in_failure_record(username="pat", now=earlier)

    # The one-minute wait from five minutes ago is over.
    assert sign_in_from(client, "pat", TEST_PASSWORD, "198.51.100.7").status_code == 302
    assert not SignInThrottle.objects.exists()


def test_failures_are_forgotten_a_day_after_the_last(settings):
    settings.SIGN_IN_USERNAME_FAILURE_LIMIT = 2
    long_ago = timezone.now() - timedelta(hours=25)
    sign_in_failure_record(username="pat", now=long_ago)

    row = sign_in_failure_record(username="pat")

    assert row.failures == 1
    assert row.blocked_until is None


def test_username_is_stored_only_as_a_digest(client, make_user):
    make_user(Role.PRACTITIONER, username="pat")
    sign_in_from(client, "pat", "wrong-password", "203.0.113.1")

    row = SignInThrottle.objects.get()
    assert row.username_digest == username_digest("pat")
    assert "pat" not in row.username_digest
