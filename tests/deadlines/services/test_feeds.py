"""Calendar feed addresses (deadlines.services.feeds): made once per form, replaced and
turned off on request, audited without the secret."""

from datetime import date

import pytest

from cspr.accounts.roles import Role
from cspr.audit.models import AuditEvent
from deadlines.models import CalendarFeedToken
from deadlines.services import calendar_feed_token_create, calendar_feed_token_revoke

from ..factories import at

pytestmark = pytest.mark.django_db


def test_feed_address_is_created_once_per_form_and_replaced_on_request(coordinator):
    first = calendar_feed_token_create(user=coordinator, replaces=None)
    again = calendar_feed_token_create(user=coordinator, replaces=None)  # the same form posted twice
    assert again.pk == first.pk
    second = calendar_feed_token_create(user=coordinator, replaces=first.pk)
    assert second.pk != first.pk and second.token != first.token
    assert list(CalendarFeedToken.objects.active().filter(user=coordinator)) == [second]
    assert calendar_feed_token_revoke(user=coordinator) == 1
    assert not CalendarFeedToken.objects.active().filter(user=coordinator).exists()
    assert calendar_feed_token_revoke(user=coordinator) == 0


def test_feed_addresses_are_audited_without_the_secret(coordinator, make_user):
    first = calendar_feed_token_create(user=coordinator, now=at(date(2026, 3, 2)))
    second = calendar_feed_token_create(user=coordinator, replaces=first.pk, now=at(date(2026, 3, 3)))
    admin = make_user(Role.ADMINISTRATOR)
    calendar_feed_token_revoke(user=coordinator, by=admin, now=at(date(2026, 3, 4)))
    events = list(
        AuditEvent.objects.filter(action__startswith="calendar_feed.")
        .order_by("at", "id")
        .values_list("action", "actor_username", "object_label", "summary")
    )
    label = f"feed of {coordinator.username}"
    assert events == [
        ("calendar_feed.created", coordinator.username, label, "Calendar feed address created"),
        (
            "calendar_feed.created",
            coordinator.username,
            label,
            "Calendar feed address created (previous address turned off)",
        ),
        ("calendar_feed.revoked", admin.username, label, "Calendar feed address turned off"),
    ]
    everything = " ".join(" ".join(e) for e in events)
    assert first.token not in everything and second.token not in everything
