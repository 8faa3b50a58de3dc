"""The notification outbox: write rows inside a change's transaction, deliver after.

A row is unique per (event, recipient). Delivery locks the row, sends, and marks it sent
only when the mail backend accepted the message, so a row is never sent twice.
"""

import hashlib
import logging
import smtplib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Contact, Notification

logger = logging.getLogger(__name__)

# What a notification may carry. Nothing about a child or family fits these keys: a
# case reference, what happened or is due, when, and a path to the case in the app.
SAFE_CONTEXT_KEYS = frozenset(
    {
        "reference",
        "event_label",
        "action_label",
        "deadline_label",
        "due_date",
        "due_in",
        "overdue_by",
        "status_label",
        "link_path",
        "recipient_name",
        "agency_name",
        # Account emails: who changed it (an administrator's name) and when; how long a
        # reset link works.
        "actor_name",
        "occurred_at",
        "valid_for",
    }
)
# Emails whose link is a credential (a password reset): the link is dropped from the
# outbox row once the message is sent, and admin never shows a row's context.
ONE_TIME_LINK_TEMPLATES = frozenset({"account_password_reset"})
MAX_ATTEMPTS = 10


class NotificationDeliveryError(Exception):
    """The mail backend did not accept a message; the task retries later."""


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str = ""
    contact: Contact | None = None
    user: object | None = None


def recipients_for_contact_roles(*roles: str) -> list[Recipient]:
    contacts = Contact.objects.active().with_roles(*roles).order_by("role", "name")
    return [Recipient(email=c.email, name=c.name, contact=c) for c in contacts]


def recipient_for_user(user) -> Recipient:
    return Recipient(email=user.email, name=user.get_full_name() or user.username, user=user)


def _row_key(event_key: str, email: str) -> str:
    key = f"{event_key}|{email.lower()}"
    if len(key) > 255:
        key = f"{key[:190]}|{hashlib.sha256(key.encode()).hexdigest()}"
    return key


def notification_queue(
    *,
    event: str,
    event_key: str,
    case_reference: str,
    recipients,
    template: str,
    context: dict,
    now=None,
) -> list[Notification]:
    """Write one pending outbox row per recipient of this event and queue delivery on commit.

    `event_key` identifies the occurrence (e.g. "referral-submitted:42"); a row already
    written for the same key and recipient is left as it is, so raising an event twice
    sends nothing twice. Recipients without an address or with an inactive contact are
    skipped. `context` may only use SAFE_CONTEXT_KEYS. Returns the rows written now.
    """
    now = now or timezone.now()
    rows = _event_rows(
        event=event,
        event_key=event_key,
        case_reference=case_reference,
        recipients=recipients,
        template=template,
        context=context,
        now=now,
    )
    return _rows_write(rows, now=now)


def notification_queue_many(items, *, now=None) -> list[Notification]:
    """notification_queue for many events at once, in a fixed number of queries.

    Each item is a mapping of notification_queue's keyword arguments other than `now`
    (event, event_key, case_reference, recipients, template, context). Every item is
    checked before anything is written, so one unsafe context writes nothing at all.
    The same guarantees hold: one row per (event key, recipient), rows already written
    are left as they are, delivery is queued on commit. However many items there are,
    it reads the existing keys once, inserts once (a database may split one bulk insert
    into several statements) and reads the new rows back once. Returns the rows written
    now.
    """
    now = now or timezone.now()
    rows: dict[str, Notification] = {}
    for item in items:
        for key, row in _event_rows(**item, now=now).items():
            rows.setdefault(key, row)
    return _rows_write(rows, now=now)


def _event_rows(
    *, event: str, event_key: str, case_reference: str, recipients, template: str, context: dict, now
) -> dict[str, Notification]:
    """The unsaved outbox rows of one event, by key, after checking its context is safe."""
    unsafe = set(context) - SAFE_CONTEXT_KEYS
    if unsafe:
        raise ValueError(f"Notification context keys not allowed: {sorted(unsafe)}")
    rows: dict[str, Notification] = {}
    for recipient in recipients:
        if not recipient.email or (recipient.contact is not None and not recipient.contact.active):
            continue
        key = _row_key(event_key, recipient.email)
        rows.setdefault(
            key,
            Notification(
                key=key,
                event=event,
                case_reference=case_reference,
                recipient_email=recipient.email,
                recipient_contact=recipient.contact,
                recipient_user=recipient.user,
                template=template,
                context={**context, "recipient_name": recipient.name},
                created_at=now,
                queued_at=now,
            ),
        )
    return rows


def _rows_write(rows: dict[str, Notification], *, now) -> list[Notification]:
    """Insert the rows whose keys are not in the outbox yet; queue their delivery on commit."""
    if not rows:
        return []
    existing = set(Notification.objects.filter(key__in=rows).values_list("key", flat=True))
    new_rows = [row for key, row in rows.items() if key not in existing]
    if not new_rows:
        return []
    # ignore_conflicts covers a concurrent writer of the same event between the read
    # above and this insert; such a row is then that writer's to deliver.
    Notification.objects.bulk_create(new_rows, ignore_conflicts=True)
    written = list(Notification.objects.filter(key__in=[r.key for r in new_rows], created_at=now))
    for row in written:
        _enqueue_on_commit(row.pk)
    return written


def _enqueue_on_commit(notification_id: int) -> None:
    from .tasks import notification_deliver_task  # noqa: PLC0415 — the task module imports this one

    # robust: a broker that is down must not undo the change that raised the event;
    # the requeue task picks the row up later.
    transaction.on_commit(
        lambda: notification_deliver_task.delay(notification_id=notification_id), robust=True
    )


def notification_render(notification: Notification) -> tuple[str, str]:
    context = {
        **notification.context,
        "service_name": settings.SERVICE_NAME,
        "partnership_name": settings.PARTNERSHIP_NAME,
        "link": f"{settings.SITE_URL}{notification.context.get('link_path', '/')}",
    }
    base = f"notifications/email/{notification.template}"
    subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
    body = render_to_string(f"{base}_body.txt", context)
    return subject, body


def notification_deliver(*, notification_id: int, now=None) -> str:
    """Send one pending row. Returns its status afterwards ("missing" if gone).

    The row is locked while it is sent, so two workers never both send it. It is marked
    sent only when the backend accepted the message; a mail error is recorded and
    raised as NotificationDeliveryError for the task to retry.
    """
    error = None
    with transaction.atomic():
        notification = (
            # Lock only the outbox row: PostgreSQL cannot lock the nullable side of the join.
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient_contact")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None:
            return "missing"
        if notification.status != Notification.Status.PENDING:
            return notification.status
        contact = notification.recipient_contact
        if contact is not None and not contact.active:
            notification.status = Notification.Status.CANCELLED
            notification.save(update_fields=["status"])
            return notification.status
        subject, body = notification_render(notification)
        message = EmailMessage(subject=subject, body=body, to=[notification.recipient_email])
        notification.attempts += 1
        try:
            accepted = message.send()
        except (smtplib.SMTPException, OSError) as exc:
            accepted = 0
            error = exc
            notification.last_error = f"{type(exc).__name__}: {exc}"[:500]
        now = now or timezone.now()
        if accepted:
            notification.status = Notification.Status.SENT
            notification.sent_at = now
            notification.last_error = ""
        elif notification.attempts >= MAX_ATTEMPTS:
            notification.status = Notification.Status.FAILED
        if (
            notification.status != Notification.Status.PENDING
            and notification.template in ONE_TIME_LINK_TEMPLATES
        ):
            notification.context = {k: v for k, v in notification.context.items() if k != "link_path"}
        notification.save(update_fields=["status", "sent_at", "attempts", "last_error", "context"])
    if error is not None and notification.status == Notification.Status.PENDING:
        logger.warning("notification %s not accepted (attempt %s)", notification_id, notification.attempts)
        raise NotificationDeliveryError(str(error)) from error
    return notification.status


def notification_requeue_stale(*, now=None, older_than_minutes: int | None = None, batch: int = 500) -> int:
    """Queue delivery again for rows still pending long after they were queued.

    Covers a broker that was down at commit or a worker that died mid-task. Returns
    how many rows were queued again.
    """
    now = now or timezone.now()
    minutes = older_than_minutes if older_than_minutes is not None else settings.NOTIFICATION_REQUEUE_MINUTES
    cutoff = now - timedelta(minutes=minutes)
    with transaction.atomic():
        ids = list(
            Notification.objects.pending()
            .filter(queued_at__lt=cutoff)
            .order_by("queued_at")
            .values_list("pk", flat=True)[:batch]
        )
        Notification.objects.filter(pk__in=ids).update(queued_at=now)
        for pk in ids:
            _enqueue_on_commit(pk)
    if ids:
        logger.info("requeued %s stale notifications", len(ids))
    return len(ids)
