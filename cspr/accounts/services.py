"""Changes to a person's password, each audited and each told to the person by email.

Emails go through the notification outbox after commit, never inside the request: how
long a reset request takes does not say whether the address has an account. No email
carries a password; a reset link lives PASSWORD_RESET_TIMEOUT seconds and works once.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from cspr.audit.models import AuditAction, AuditEvent
from cspr.audit.services import audit_record, client_ip
from cspr.notifications.models import Notification
from cspr.notifications.services import notification_queue, recipient_for_user

from .throttle import sign_in_throttle_clear

RESET_LINK_EVENT = "account_password_reset"
RESET_REQUESTS_TOO_MANY = (
    "There have been too many requests to reset a password from this connection. "
    "Try again in an hour, or ask your administrator."
)


def spoken_time(moment) -> str:
    """5 March 2026 at 2:35pm, as GOV.UK writes dates and times."""
    local = timezone.localtime(moment)
    hour = local.hour % 12 or 12
    return f"{local.day} {local:%B %Y} at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def _notify_account_change(*, user, event: str, template: str, label: str, now, actor_name: str = ""):
    context = {
        "event_label": label,
        "occurred_at": spoken_time(now),
        "link_path": reverse("account"),
    }
    if actor_name:
        context["actor_name"] = actor_name
    notification_queue(
        event=event,
        event_key=f"{event}:{user.pk}:{now.isoformat()}",
        case_reference="",
        recipients=[recipient_for_user(user)],
        template=template,
        context=context,
        now=now,
    )


@transaction.atomic
def account_password_changed(*, user, request=None, now=None) -> None:
    """The person changed their own password: audited, and they are told by email (so a
    change they did not make does not go unnoticed)."""
    now = now or timezone.now()
    audit_record(user, AuditAction.PASSWORD_CHANGED, user, request=request, now=now)
    _notify_account_change(
        user=user,
        event="account_password_changed",
        template="account_password_changed",
        label="Your password was changed",
        now=now,
    )


@transaction.atomic
def account_password_set_by_admin(*, user, by, request=None, now=None) -> None:
    """An administrator set (or turned off) another person's password in admin. The trail
    names the administrator, so signing in as that person afterwards is not hidden; the
    person is told by email who did it and when (never the password)."""
    now = now or timezone.now()
    usable = user.has_usable_password()
    audit_record(
        by,
        AuditAction.PASSWORD_SET_BY_ADMIN,
        user,
        "Administration: set a new password" if usable else "Administration: turned off password sign-in",
        request=request,
        now=now,
    )
    _notify_account_change(
        user=user,
        event="account_password_set_by_admin",
        template="account_password_set_by_admin",
        label="An administrator set a new password for your account"
        if usable
        else "An administrator turned off password sign-in for your account",
        actor_name=by.get_full_name() or by.get_username(),
        now=now,
    )


def reset_candidates(email: str):
    """Active accounts with this address (any case) that sign in with a password."""
    users = get_user_model().objects.filter(email__iexact=email.strip(), is_active=True)
    return [user for user in users if user.has_usable_password()]


class PasswordResetRefused(Exception):
    """Too many reset requests from one client address."""


def account_password_reset_request(*, email: str, request=None, now=None) -> int:
    """Queue a reset link for each account with this address; return how many were queued.

    At most PASSWORD_RESET_PER_ADDRESS_PER_HOUR requests from one client address are
    taken (PasswordResetRefused beyond that); at most PASSWORD_RESET_PER_ACCOUNT_PER_HOUR
    links go to one account, silently, so the answer is the same whether or not the
    address has an account. Every request is audited, without the address typed.
    """
    now = now or timezone.now()
    hour_ago = now - timedelta(hours=1)
    address = client_ip(request)
    if address is not None:
        recent = AuditEvent.objects.filter(
            action=AuditAction.PASSWORD_RESET_REQUESTED, ip_address=address, at__gte=hour_ago
        ).count()
        if recent >= settings.PASSWORD_RESET_PER_ADDRESS_PER_HOUR:
            audit_record(
                None,
                AuditAction.PASSWORD_RESET_REFUSED,
                None,
                "Too many reset requests from this address",
                request=request,
                now=now,
            )
            raise PasswordResetRefused(RESET_REQUESTS_TOO_MANY)
    return _reset_links_queue(email=email, request=request, now=now)


@transaction.atomic
def _reset_links_queue(*, email: str, request, now) -> int:
    hour_ago = now - timedelta(hours=1)
    queued = 0
    users = reset_candidates(email)
    for user in users:
        sent_lately = Notification.objects.filter(
            event=RESET_LINK_EVENT, recipient_user=user, created_at__gte=hour_ago
        ).count()
        if sent_lately >= settings.PASSWORD_RESET_PER_ACCOUNT_PER_HOUR:
            summary = "Not sent: enough links were sent in the last hour"
        else:
            _queue_reset_link(user=user, now=now)
            queued += 1
            summary = "Reset link queued"
        audit_record(None, AuditAction.PASSWORD_RESET_REQUESTED, user, summary, request=request, now=now)
    if not users:
        audit_record(
            None,
            AuditAction.PASSWORD_RESET_REQUESTED,
            None,
            "No account has that address",
            request=request,
            now=now,
        )
    return queued


def reset_link_lifetime() -> str:
    """How long a reset link works, in words: "1 hour", "90 minutes"."""
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    if minutes % 60:
        return f"{minutes} minutes"
    hours = minutes // 60
    return f"{hours} hour{'s' if hours > 1 else ''}"


def _queue_reset_link(*, user, now) -> None:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    notification_queue(
        event=RESET_LINK_EVENT,
        event_key=f"{RESET_LINK_EVENT}:{user.pk}:{now.isoformat()}",
        case_reference="",
        recipients=[recipient_for_user(user)],
        template="account_password_reset",
        context={
            "event_label": "Reset your password",
            "link_path": reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token}),
            "valid_for": reset_link_lifetime(),
        },
        now=now,
    )


@transaction.atomic
def account_password_reset_completed(*, user, request=None, now=None) -> None:
    """The person set a new password from a reset link: audited, told by email, and any
    sign-in back-off on their username ends (the guesses were against the old one)."""
    now = now or timezone.now()
    audit_record(
        None,
        AuditAction.PASSWORD_RESET_COMPLETED,
        user,
        "New password set from a reset link sent to the account's email address",
        request=request,
        now=now,
    )
    sign_in_throttle_clear(username=user.get_username())
    _notify_account_change(
        user=user,
        event="account_password_changed",
        template="account_password_changed",
        label="Your password was reset",
        now=now,
    )
