"""The deadlines a case's moves meet and waive, through deadlines.services."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from cspr.audit.services import audit_record
from deadlines import calendar
from deadlines.models import Deadline
from deadlines.permissions import can_waive
from deadlines.services import deadline_meet, deadline_waive
from referrals.models import Referral


def _met_at(day: date, now):
    """A recorded day as the moment a deadline was met: now if today, else that day's end."""
    return now if day >= timezone.localdate(now) else calendar.end_of_day(day)


def deadline_met_on(case: Referral, code: str, day: date, *, by, now):
    return deadline_meet(referral=case, rule_code=code, by=by, now=now, met_at=_met_at(day, now))


def deadlines_waive_open(case, codes, *, reason: str, by, now) -> None:
    """Waive the case's open deadlines of these rules, because the route no longer needs them.

    Only the chair or coordinator may waive; a move made by an administrator leaves them
    open for the coordinator to see and waive.
    """
    if not can_waive(by):
        return
    for deadline in Deadline.objects.open().filter(referral=case, rule__code__in=codes):
        deadline_waive(deadline=deadline, by=by, reason=reason, now=now)


def case_date_record(
    case: Referral, record, field: str, day: date, *, by, now, action, summary: str, meets: str
):
    """Record `day` as `record.field` on the locked case (a date the partnership told
    someone, or sent something): saved, audited on the case, and meeting the deadline
    `meets`. The same day again (a repeated post) changes nothing."""
    if getattr(record, field) == day:
        return record
    setattr(record, field, day)
    record.save(update_fields=[field])
    audit_record(by, action, case, summary, now=now)
    deadline_met_on(case, meets, day, by=by, now=now)
    return record
