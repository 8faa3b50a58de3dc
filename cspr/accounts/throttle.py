"""The per-username sign-in back-off.

django-axes locks one username from one address after AXES_FAILURE_LIMIT failures. That
alone lets someone with many addresses make five guesses from each; this caps the guesses
against one username from everywhere: after SIGN_IN_USERNAME_FAILURE_LIMIT failures each
further try has to wait 1, 2, 4… minutes (at most SIGN_IN_BACKOFF_MAX_MINUTES), and no
password is checked while it waits. A successful sign-in or a password reset clears it.
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import SignInThrottle

SIGN_IN_PAUSED = (
    "Signing in with this username is paused after repeated failed attempts. "
    "Try again after {time}, or reset your password."
)


def username_digest(username: str) -> str:
    return hashlib.sha256(username.strip().casefold().encode("utf-8", "replace")).hexdigest()


def backoff_minutes(failures: int) -> int:
    """Minutes to wait after `failures` failures: none below the limit, then doubling."""
    over = failures - settings.SIGN_IN_USERNAME_FAILURE_LIMIT
    if over < 0:
        return 0
    return min(2 ** min(over, 16), settings.SIGN_IN_BACKOFF_MAX_MINUTES)


def sign_in_blocked_until(*, username: str, now=None):
    """When the username may be tried again, or None if it may be tried now."""
    now = now or timezone.now()
    until = (
        SignInThrottle.objects.filter(username_digest=username_digest(username), blocked_until__gt=now)
        .values_list("blocked_until", flat=True)
        .first()
    )
    return until


@transaction.atomic
def sign_in_failure_record(*, username: str, now=None) -> SignInThrottle:
    """Count one failed password check for the username; start or lengthen its wait.

    The row is locked, so concurrent failures are each counted once. Failures are
    forgotten SIGN_IN_FAILURE_WINDOW_HOURS after the last one.
    """
    now = now or timezone.now()
    digest = username_digest(username)
    SignInThrottle.objects.get_or_create(username_digest=digest, defaults={"last_failure_at": now})
    row = SignInThrottle.objects.select_for_update().get(username_digest=digest)
    if now - row.last_failure_at > timedelta(hours=settings.SIGN_IN_FAILURE_WINDOW_HOURS):
        row.failures = 0
    row.failures += 1
    row.last_failure_at = now
    wait = backoff_minutes(row.failures)
    row.blocked_until = now + timedelta(minutes=wait) if wait else None
    row.save(update_fields=["failures", "last_failure_at", "blocked_until"])
    return row


def sign_in_throttle_clear(*, username: str) -> None:
    SignInThrottle.objects.filter(username_digest=username_digest(username)).delete()
