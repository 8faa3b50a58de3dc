"""Opening, meeting, waiving and closing a case's deadlines: the only way a Deadline row
is made or closed.

Every service is one transaction: it locks the rows it changes, checks the person may
act, writes, and records an audit event on the case.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from cspr.audit.models import AuditAction
from cspr.audit.services import audit_record
from referrals.models import Referral

from .. import calendar
from ..models import Deadline, DeadlineRule
from ..permissions import can_waive

logger = logging.getLogger(__name__)


class DeadlineError(Exception):
    """An action on a deadline that is not allowed; the message says why, for a person."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        # The form field the message belongs next to, when there is one.
        self.field = field


def raise_first(problems: dict) -> None:
    """Refuse with the first of these {field: message} problems, by its field."""
    if problems:
        field, message = next(iter(problems.items()))
        raise DeadlineError(message, field=field)


# --- arithmetic -----------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    due_date: date
    due_at: datetime
    explanation: str


def deadline_compute(rule: DeadlineRule, anchor: date) -> Due:
    """When a deadline of `rule` anchored on `anchor` falls due, and why, in words."""
    if rule.unit == DeadlineRule.Unit.CALENDAR_MONTHS:
        due_date = calendar.add_calendar_months(anchor, rule.length)
        explanation = calendar.explain_calendar_months(anchor, rule.length, anchor_label=rule.anchor_label)
    else:
        due_date = calendar.add_working_days(anchor, rule.length)
        explanation = calendar.explain_working_days(anchor, rule.length, anchor_label=rule.anchor_label)
    if rule.is_target:
        explanation = (
            "The procedure says ‘as soon as’: this date is the partnership’s target, not a statutory "
            "deadline. " + explanation[0].upper() + explanation[1:]
        )
    return Due(due_date=due_date, due_at=calendar.end_of_day(due_date), explanation=explanation)


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return calendar.london_date(value)
    return value


def _lock_referral(referral):
    return Referral.objects.select_for_update().get(pk=referral.pk)


def _rule(code: str) -> DeadlineRule:
    rule = DeadlineRule.objects.filter(code=code).first()
    if rule is None:
        raise DeadlineError(f"There is no deadline rule ‘{code}’. Ask an administrator to restore it.")
    return rule


def _anchor_in_words(rule: DeadlineRule, anchor: date) -> str:
    """What a deadline is counted from, for the audit trail.

    The date is named only for an event of the case's own process (a decision, a start,
    a planned publication). The incident's date, and the day someone became aware of it
    (the same day or the next, as a rule), together with the partnership's name can
    identify the child, so those anchors are named by kind alone.
    """
    if rule.anchor == DeadlineRule.Anchor.EVENT:
        return f"the event on {anchor.isoformat()}"
    kind = DeadlineRule.Anchor(rule.anchor).label
    return kind[0].lower() + kind[1:]


def _anchor_for(rule: DeadlineRule, referral, *, now) -> date | None:
    submitted_on = calendar.london_date(referral.submitted_at or now)
    if rule.anchor == DeadlineRule.Anchor.PRACTITIONER_AWARE:
        return calendar.london_date(referral.aware_at) if referral.aware_at else None
    if rule.anchor == DeadlineRule.Anchor.LA_AWARE:
        # The local authority knows at the latest when the referral reaches it.
        return referral.la_aware_on or submitted_on
    if rule.anchor == DeadlineRule.Anchor.INCIDENT:
        return referral.incident_date
    return submitted_on


# --- opening and closing --------------------------------------------------------------


@transaction.atomic
def deadline_open(*, referral, rule_code: str, anchor, by, now=None) -> Deadline | None:
    """Open the deadline of rule `rule_code` for `referral`, counted from `anchor` (a date,
    or a datetime taken as its date in England).

    Locks the referral. Idempotent: if the case already has a deadline for the rule,
    that row is returned unchanged. Returns None, opening nothing, when an administrator
    has made the rule inactive. Records an audit event on the case.
    """
    now = now or timezone.now()
    rule = _rule(rule_code)
    referral = _lock_referral(referral)
    existing = Deadline.objects.filter(referral=referral, rule=rule).select_related("rule").first()
    if existing is not None:
        return existing
    if not rule.active:
        return None
    anchor = _as_date(anchor)
    due = deadline_compute(rule, anchor)
    deadline = Deadline.objects.create(
        referral=referral,
        rule=rule,
        anchor_date=anchor,
        due_date=due.due_date,
        due_at=due.due_at,
        explanation=due.explanation,
        opened_at=now,
    )
    audit_record(
        by,
        AuditAction.DEADLINE_OPENED,
        referral,
        f"Deadline '{rule.code}' opened: counted from {_anchor_in_words(rule, anchor)}, "
        f"due {due.due_date.isoformat()}",
        now=now,
    )
    return deadline


@transaction.atomic
def deadline_meet(*, referral, rule_code: str, by, now=None, met_at=None) -> Deadline | None:
    """Close the case's open deadline of `rule_code` as done at `met_at` (default: now).

    Met when done by the end of the due day, otherwise missed (met late). Locks the
    deadline; returns None and changes nothing when there is no open deadline.
    """
    now = now or timezone.now()
    met_at = met_at or now
    deadline = (
        Deadline.objects.select_for_update()
        .open()
        .filter(referral_id=referral.pk, rule__code=rule_code)
        .select_related("rule")
        .first()
    )
    if deadline is None:
        return None
    deadline.met_at = met_at
    deadline.status = Deadline.Status.MET if met_at <= deadline.due_at else Deadline.Status.MISSED
    deadline.closed_at = now
    deadline.closed_by = by if getattr(by, "is_authenticated", False) else None
    deadline.save(update_fields=["met_at", "status", "closed_at", "closed_by"])
    audit_record(
        by,
        AuditAction.DEADLINE_MET if deadline.status == Deadline.Status.MET else AuditAction.DEADLINE_MISSED,
        referral,
        f"Deadline '{rule_code}' {'met' if deadline.status == Deadline.Status.MET else 'met late'} "
        f"at {met_at.isoformat(timespec='minutes')} (due {deadline.due_date.isoformat()})",
        now=now,
    )
    return deadline


def waive_problems(*, reason: str) -> dict:
    return {} if (reason or "").strip() else {"reason": "Enter why the deadline is being waived"}


@transaction.atomic
def deadline_waive(*, deadline, by, reason: str, now=None) -> Deadline:
    """Close an open deadline as waived, with the reason. Coordinator or chair only.

    Locks the deadline. Waiving again with the same reason (a repeated form post)
    returns the deadline unchanged; anything else on a closed deadline is refused.
    """
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not can_waive(by):
        raise DeadlineError(can_waive.refusal)
    raise_first(waive_problems(reason=reason))
    deadline = Deadline.objects.select_for_update().select_related("rule").get(pk=deadline.pk)
    if deadline.status == Deadline.Status.WAIVED and deadline.waived_reason == reason:
        return deadline
    if deadline.status != Deadline.Status.OPEN:
        raise DeadlineError(
            f"This deadline is already closed ({deadline.get_status_display().lower()}); "
            "only an open deadline can be waived"
        )
    deadline.status = Deadline.Status.WAIVED
    deadline.waived_reason = reason
    deadline.waived_by = by
    deadline.closed_by = by
    deadline.closed_at = now
    deadline.save(update_fields=["status", "waived_reason", "waived_by", "closed_by", "closed_at"])
    audit_record(
        by,
        AuditAction.DEADLINE_WAIVED,
        deadline.referral,
        f"Deadline '{deadline.rule.code}' waived (reason recorded)",
        now=now,
    )
    return deadline


@transaction.atomic
def deadlines_close_for_duplicate(*, referral, by, now=None) -> list[Deadline]:
    """Close every open deadline of a referral linked to another case as its duplicate.

    The other case's deadlines carry on. Locks the deadlines; returns those closed.
    """
    now = now or timezone.now()
    deadlines = list(
        Deadline.objects.select_for_update()
        .open()
        .filter(referral_id=referral.pk)
        .select_related("rule")
        .order_by("rule__order")
    )
    for deadline in deadlines:
        deadline.status = Deadline.Status.DUPLICATE
        deadline.closed_at = now
        deadline.closed_by = by if getattr(by, "is_authenticated", False) else None
    Deadline.objects.bulk_update(deadlines, ["status", "closed_at", "closed_by"])
    if deadlines:
        audit_record(
            by,
            AuditAction.DEADLINES_CLOSED_DUPLICATE,
            referral,
            "Deadlines closed as the referral is a duplicate: " + ", ".join(d.rule.code for d in deadlines),
            now=now,
        )
    return deadlines


@transaction.atomic
def deadlines_open_for_referral(*, referral, by, now=None) -> list[Deadline]:
    """Open the deadlines a referral's submission starts, as the rulebook says.

    Called inside referral_submit's transaction, once the referral has its reference
    and submitted_at. A rule marked "met by the event that opens it" (the referral
    within 1 working day of awareness) is closed at once: met if submitted in time,
    missed if not. Rules for a looked-after child's death open only for one.
    Idempotent: calling it again opens and meets nothing new.
    """
    now = now or timezone.now()
    referral = _lock_referral(referral)
    rules = DeadlineRule.objects.filter(opened_by=DeadlineRule.Event.REFERRAL_SUBMITTED, active=True)
    opened = []
    for rule in rules.order_by("order", "code"):
        if rule.looked_after_death_only and not referral.looked_after_death:
            continue
        anchor = _anchor_for(rule, referral, now=now)
        if anchor is None:
            logger.warning("referral %s: no anchor for deadline rule %s", referral.pk, rule.code)
            continue
        deadline = deadline_open(referral=referral, rule_code=rule.code, anchor=anchor, by=by, now=now)
        if deadline is None:
            continue
        if rule.met_on_opening and deadline.is_open:
            deadline = deadline_meet(
                referral=referral, rule_code=rule.code, by=by, now=now, met_at=referral.submitted_at or now
            )
        opened.append(deadline)
    return opened
