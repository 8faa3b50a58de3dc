"""Hardening that cuts across features: caching, client addresses, absolute session age,
audited administration of people and roles, masked secrets in logs."""

import logging
import time

import pytest
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse

from cspr.accounts.middleware import SIGNED_IN_KEY
from cspr.accounts.roles import Role
from cspr.audit.models import AuditEvent
from cspr.audit.services import client_ip
from cspr.log_filters import MaskSecretsFilter, mask_secrets

from ..factories import ContactFactory

pytestmark = pytest.mark.django_db


def test_pages_for_signed_in_users_are_not_cached(client, make_user):
    client.force_login(make_user())

    response = client.get(reverse("home"))

    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "10.0.0.9"),  # a client-written header is ignored without a proxy
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # our proxy appended the real client
        (1, "", "10.0.0.9"),
        (2, "6.6.6.6, 203.0.113.7, 10.1.1.1", "203.0.113.7"),
    ],
)
def test_client_ip_believes_only_our_own_proxies(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    settings.TRUSTED_PROXY_ADDRESSES = ["10.0.0.0/24"]
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == expected


def test_session_ends_after_maximum_age_however_active(client, make_user, settings):
    client.force_login(make_user())
    session = client.session
    session[SIGNED_IN_KEY] = int(time.time()) - settings.SESSION_MAX_AGE_HOURS * 3600 - 5
    session.save()

    response = client.get(reverse("home"), follow=True)

    assert "you signed in more than 12 hours ago" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_granting_a_role_in_admin_is_audited(client, make_user, role_groups):
    admin_user = make_user(Role.ADMINISTRATOR, username="boss", is_superuser=True)
    person = make_user(Role.PRACTITIONER, username="pat")
    client.force_login(admin_user)
    chair_group = Group.objects.get(name=Role.CHAIR.label)
    page = client.get(reverse("admin:accounts_user_change", args=[person.pk]))
    form = page.context["adminform"].form
    data = {
        k: v
        for k, v in form.initial.items()
        if v is not None and k not in ("password", "groups", "user_permissions", "last_login", "date_joined")
    }
    data.update(
        {
            "groups": [chair_group.pk],
            "agency": person.agency_id,
            "is_active": "on",
            "date_joined_0": "2026-01-05",
            "date_joined_1": "09:00:00",
        }
    )

    response = client.post(reverse("admin:accounts_user_change", args=[person.pk]), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert person.groups.filter(pk=chair_group.pk).exists()
    event = AuditEvent.objects.get(
        action="admin.changed", object_type="accounts.user", object_id=str(person.pk)
    )
    assert event.actor == admin_user
    assert "groups" in event.summary


def test_changing_a_contact_in_admin_is_audited(client, make_user):
    contact = ContactFactory(email="old@example.org")
    client.force_login(make_user(Role.ADMINISTRATOR, username="boss", is_superuser=True))

    client.post(
        reverse("admin:notifications_contact_change", args=[contact.pk]),
        {
            "name": contact.name,
            "role": contact.role,
            "agency": contact.agency_id,
            "email": "new@example.org",
            "active": "on",
        },
    )

    event = AuditEvent.objects.get(action="admin.changed", object_type="notifications.contact")
    assert event.summary == "Administration: changed email"
    assert "new@example.org" not in event.summary


def test_feed_tokens_are_masked_in_logs():
    line = '"GET /deadlines/feed/s3cr3t-T0ken_value.ics HTTP/1.1" 200 512'
    assert mask_secrets(line) == '"GET /deadlines/feed/[hidden].ics HTTP/1.1" 200 512'

    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s',
        ("GET /deadlines/feed/abc123.ics HTTP/1.1", 200),
        None,
    )
    MaskSecretsFilter().filter(record)
    assert "abc123" not in record.getMessage()


def test_gunicorn_access_log_masks_feed_tokens():
    from types import SimpleNamespace

    from gunicorn.config import Config

    from cspr.gunicorn_logging import MaskingLogger

    logger = MaskingLogger(Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/deadlines/feed/abc123.ics",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "RAW_URI": "/deadlines/feed/abc123.ics",
    }
    req = SimpleNamespace(
        headers=[],
        method="GET",
        path="/deadlines/feed/abc123.ics",
        query="",
        uri="/deadlines/feed/abc123.ics",
        version=(1, 1),
    )
    resp = SimpleNamespace(status="200 OK", response_length=10, sent=10, headers=[])
    atoms = logger.atoms(
        resp, req, environ, SimpleNamespace(seconds=0, microseconds=1000, total_seconds=lambda: 0.001)
    )

    assert "abc123" not in atoms["r"]
    assert "abc123" not in atoms["U"]


def test_content_security_policy_allows_only_this_site(client, make_user):
    client.force_login(make_user())

    policy = client.get(reverse("home"))["Content-Security-Policy"]

    assert "script-src 'self';" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
