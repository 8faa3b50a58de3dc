"""Deadline services: the only way deadlines are opened, met, waived or closed."""

from django.db import transaction


class DeadlineError(Exception):
    """An action on a deadline that is not allowed; the message says why, for a person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@transaction.atomic
def deadlines_open_for_referral(*, referral, by, now=None) -> list:
    """Open the deadlines a referral's submission starts (rulebook: opened by submission).

    Called inside referral_submit's transaction. Idempotent: a second call changes nothing.
    """
    return []
