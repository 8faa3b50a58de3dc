"""Statutory notifications the local authority records (procedure §5): each meets its
deadline."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from cspr.audit.models import AuditAction
from cspr.audit.services import audit_record
from referrals.lifecycle.states import CaseStatus

from .. import calendar
from ..models import StatutoryNotification
from ..permissions import can_record_notifications
from .deadlines import DeadlineError, _lock_referral, deadline_meet, raise_first

NOTIFICATION_LABELS = {
    StatutoryNotification.Kind.NATIONAL_PANEL: "the National Panel notification",
    StatutoryNotification.Kind.PARTNERS: "the report to the safeguarding partners",
    StatutoryNotification.Kind.SOS_OFSTED: "the notification to the Secretary of State and Ofsted",
}


def notification_problems(
    referral, *, kind: str, notified_on: date | None, reference: str, today: date
) -> dict:
    """What is wrong with a notification's details: the Panel's reference, and the date
    (not in the future, not before the incident)."""
    problems: dict = {}
    if kind == StatutoryNotification.Kind.NATIONAL_PANEL and not (reference or "").strip():
        problems["reference"] = "Enter the National Panel’s notification reference"
    if notified_on is None:
        problems["notified_on"] = "Enter the date"
    elif notified_on > today:
        problems["notified_on"] = "The date must be today or in the past"
    elif referral.incident_date and notified_on < referral.incident_date:
        incident = calendar.format_day(referral.incident_date)
        problems["notified_on"] = f"The date must be on or after the date of the incident ({incident})"
    return problems


@transaction.atomic
def statutory_notification_record(
    *, referral, kind: str, notified_on: date, by, reference: str = "", note: str = "", now=None
) -> StatutoryNotification:
    """Record that the local authority notified the National Panel, told the safeguarding
    partners, or told the Secretary of State and Ofsted, and meet that deadline.

    Locks the referral. Recording the same thing again with the same details (a repeated
    form post) returns the first record; different details are refused. Audited.
    """
    now = now or timezone.now()
    kind = StatutoryNotification.Kind(kind)
    reference, note = (reference or "").strip(), (note or "").strip()
    if not can_record_notifications(by):
        raise DeadlineError(can_record_notifications.refusal)
    referral = _lock_referral(referral)
    if referral.status in CaseStatus.inactive_states or referral.submitted_at is None:
        raise DeadlineError("Notifications can be recorded only for a submitted case")
    if kind == StatutoryNotification.Kind.SOS_OFSTED and not referral.looked_after_death:
        raise DeadlineError(
            "The Secretary of State and Ofsted are notified only of the death of a looked-after child"
        )
    raise_first(
        notification_problems(
            referral, kind=kind, notified_on=notified_on, reference=reference, today=calendar.london_date(now)
        )
    )
    existing = StatutoryNotification.objects.filter(referral=referral, kind=kind).first()
    if existing is not None:
        if (existing.notified_on, existing.reference, existing.note) == (notified_on, reference, note):
            return existing
        raise DeadlineError(
            f"{NOTIFICATION_LABELS[kind][0].upper()}{NOTIFICATION_LABELS[kind][1:]} was already recorded "
            f"on {calendar.format_day(existing.recorded_at.astimezone(calendar.LONDON).date())}"
        )
    record = StatutoryNotification.objects.create(
        referral=referral,
        kind=kind,
        notified_on=notified_on,
        reference=reference,
        note=note,
        recorded_by=by,
        recorded_at=now,
    )
    # Done some time on that day: by its end at the latest, and not after now.
    met_at = min(calendar.end_of_day(notified_on), now)
    deadline_meet(referral=referral, rule_code=kind.value, by=by, now=now, met_at=met_at)
    audit_record(
        by,
        AuditAction.STATUTORY_NOTIFICATION_RECORDED,
        referral,
        f"{record.get_kind_display()} on {notified_on.isoformat()}"
        + (" (reference recorded)" if reference else ""),
        now=now,
    )
    return record
