"""The secret addresses of people's personal calendar feeds."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from cspr.audit.models import AuditAction
from cspr.audit.services import audit_record

from ..models import CalendarFeedToken


@transaction.atomic
def calendar_feed_token_create(*, user, replaces: int | None = None, now=None) -> CalendarFeedToken:
    """Give the user a new secret feed address, turning off the one they had.

    `replaces` is the address the person saw when they asked: if it is no longer their
    current one (the form was posted twice), the current one is returned and nothing
    new is made. Locks the user's addresses. Audited.
    """
    now = now or timezone.now()
    active = list(CalendarFeedToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
    current = active[0] if active else None
    if current is not None and current.pk != replaces:
        return current
    CalendarFeedToken.objects.filter(pk__in=[t.pk for t in active]).update(revoked_at=now)
    token = CalendarFeedToken.objects.create(user=user, created_at=now)
    audit_record(
        user,
        AuditAction.FEED_CREATED,
        token,
        "Calendar feed address created" + (" (previous address turned off)" if active else ""),
        now=now,
    )
    return token


@transaction.atomic
def calendar_feed_token_revoke(*, user, by=None, now=None) -> int:
    """Turn off the user's feed address (by them, or by an administrator `by`); returns
    how many were turned off. Audited."""
    now = now or timezone.now()
    active = list(CalendarFeedToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
    CalendarFeedToken.objects.filter(pk__in=[t.pk for t in active]).update(revoked_at=now)
    for token in active:
        audit_record(by or user, AuditAction.FEED_REVOKED, token, "Calendar feed address turned off", now=now)
    return len(active)


def calendar_feed_token_used(*, token: CalendarFeedToken, now=None) -> None:
    """Note when a feed address was last read, so its owner can see it is in use."""
    now = now or timezone.now()
    CalendarFeedToken.objects.filter(pk=token.pk).update(last_used_at=now)
