"""The shape every app's `permissions.py` shares: `can_<verb>(user, obj=None)` predicates,
each carrying the sentence that explains a refusal, and one way for a view to insist."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied


def refusal(text: str) -> Callable:
    """Attach the refusal sentence to a predicate: `@refusal("Only the chair can …")`."""

    def mark(predicate: Callable) -> Callable:
        predicate.refusal = text
        return predicate

    return mark


def signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def require(predicate: Callable, user, obj=None) -> None:
    """Refuse the request (403, with the predicate's sentence) unless `predicate` allows it."""
    allowed = predicate(user) if obj is None else predicate(user, obj)
    if not allowed:
        raise PermissionDenied(getattr(predicate, "refusal", "You do not have permission to do this"))
