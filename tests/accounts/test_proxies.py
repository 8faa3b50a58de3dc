"""Forwarded headers are believed only on connections from our own proxy."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from cspr.audit.models import AuditEvent
from cspr.audit.services import client_ip
from cspr.proxies import from_trusted_proxy

from ..factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "172.30.80.10"


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXY_ADDRESSES = [PROXY]


@pytest.mark.parametrize(
    ("remote", "trusted", "expected"),
    [
        (PROXY, [PROXY], True),
        ("172.30.80.11", [PROXY], False),
        ("172.30.80.11", ["172.30.80.0/24"], True),
        ("::ffff:172.30.80.10", [PROXY], True),
        ("not-an-address", [PROXY], False),
    ],
)
def test_from_trusted_proxy_checks_the_connection_address(settings, remote, trusted, expected):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXY_ADDRESSES = trusted

    assert from_trusted_proxy(RequestFactory().get("/", REMOTE_ADDR=remote)) is expected


def test_client_ip_ignores_forwarded_for_from_a_direct_client(behind_proxy):
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.50", HTTP_X_FORWARDED_FOR="203.0.113.7")

    assert client_ip(request) == "192.0.2.50"


def test_direct_client_cannot_skip_the_https_redirect(client, settings, behind_proxy):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    direct = client.get(reverse("login"), REMOTE_ADDR="192.0.2.50", HTTP_X_FORWARDED_PROTO="https")
    proxied = client.get(reverse("login"), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https")

    assert direct.status_code == 301
    assert direct["Location"].startswith("https://")
    assert proxied.status_code == 200


def test_direct_client_cannot_forge_its_address_on_the_audit_trail(client, make_user, behind_proxy):
    user = make_user(username="pat")

    client.post(
        reverse("login"),
        {"username": "pat", "password": TEST_PASSWORD},
        REMOTE_ADDR="192.0.2.50",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )

    assert AuditEvent.objects.get(actor=user, action="account.login").ip_address == "192.0.2.50"


def test_proxy_reports_the_real_client_on_the_audit_trail(client, make_user, behind_proxy):
    user = make_user(username="pat")

    client.post(
        reverse("login"),
        {"username": "pat", "password": TEST_PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7",
    )

    assert AuditEvent.objects.get(actor=user, action="account.login").ip_address == "203.0.113.7"
