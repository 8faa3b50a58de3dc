"""Who is told when a case moves, and how: the outbox rows every lifecycle service queues.

The context of every email carries only the case reference, what happened, the status,
what is needed and by when, and a link: never a child's or family's details.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.urls import reverse

from cspr.accounts.roles import Role
from cspr.dates import long_date
from cspr.notifications.models import ContactRole
from cspr.notifications.services import (
    Recipient,
    notification_queue,
    recipient_for_user,
    recipients_for_contact_roles,
)
from referrals.models import Referral


def case_link_path(case: Referral) -> str:
    return reverse("referrals:detail", args=[case.pk])


def agency_leads(agencies):
    """Active agency safeguarding leads of these agencies."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.AGENCY_LEAD.label, agency__in=list(agencies))
        .distinct()
        .order_by("pk")
    )


def referrer_recipient(case: Referral) -> Recipient | None:
    """The referrer: their account's address, or the one on the form if the account has none."""
    if not case.created_by_id:
        return None
    recipient = recipient_for_user(case.created_by)
    if recipient.email or not case.referrer_email:
        return recipient
    return Recipient(email=case.referrer_email, name=recipient.name, user=case.created_by)


def case_notify(
    case: Referral,
    *,
    event: str,
    event_label: str,
    now,
    contact_roles=(ContactRole.COORDINATOR, ContactRole.SUBGROUP_CHAIR),
    users=(),
    referrer: bool = True,
    action_label: str = "",
    due_date: date | None = None,
    key_suffix: str = "",
    template: str = "case_lifecycle",
    link_path: str = "",
):
    """Queue the event's emails: the contacts in `contact_roles`, `users`, and the referrer.

    The context carries only the reference, what happened, the status, what is needed
    and by when, and a link: never a child's or family's details. What is needed is the
    subgroup's work, so the referrer's email says what happened without it.
    """
    recipients = list(recipients_for_contact_roles(*contact_roles)) if contact_roles else []
    recipients += [recipient_for_user(user) for user in users]
    context = {
        "reference": case.reference or "",
        "event_label": event_label,
        "status_label": case.get_status_display(),
        "link_path": link_path or case_link_path(case),
    }
    told = referrer_recipient(case) if referrer else None
    rows = []
    if told is not None and (action_label or due_date):
        rows += _queue(case, event, key_suffix, [told], template, context, now)
    elif told is not None:
        recipients.append(told)
    if action_label:
        context = {**context, "action_label": action_label}
    if due_date:
        context = {**context, "due_date": long_date(due_date)}
    return rows + _queue(case, event, key_suffix, recipients, template, context, now)


def _queue(case, event, key_suffix, recipients, template, context, now):
    return notification_queue(
        event=event,
        event_key=f"{event}:{case.pk}{key_suffix}",
        case_reference=case.reference or "",
        recipients=recipients,
        template=template,
        context=context,
        now=now,
    )


def leads_notify(
    case: Referral,
    *,
    agencies,
    event: str,
    event_label: str,
    now,
    action_label: str = "",
    due_date: date | None = None,
    template: str = "case_participation",
    link_path: str = "",
    key_suffix: str = "",
):
    """Tell the safeguarding leads of these agencies, each with their agency's name.

    A lead sees only their own agency's referrals, so the link goes to the case only when
    they can open it (or to `link_path`), and to their home page otherwise.
    """
    rows = []
    for lead in agency_leads(agencies).select_related("agency"):
        if link_path:
            path = link_path
        elif Referral.objects.visible_to(lead).filter(pk=case.pk).exists():
            path = case_link_path(case)
        else:
            path = reverse("home")
        context = {
            "reference": case.reference or "",
            "event_label": event_label,
            "agency_name": lead.agency.name,
            "link_path": path,
        }
        if action_label:
            context["action_label"] = action_label
        if due_date:
            context["due_date"] = long_date(due_date)
        rows += _queue(case, event, key_suffix, [recipient_for_user(lead)], template, context, now)
    return rows
