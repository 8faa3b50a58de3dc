"""Deadline services: the only way deadlines are opened, met, waived, moved or closed,
and the sweep that turns open deadlines into reminders.

Every service is one transaction: it locks the rows it changes, checks the person may
act, writes, and records an audit event on the case. Reminders go to the notification
outbox, whose unique keys make writing the same reminder twice impossible.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cspr.accounts.models import Agency, User
from cspr.accounts.roles import Role
from cspr.audit.services import audit_record
from cspr.notifications.services import (
    notification_queue_many,
    recipient_for_user,
    recipients_for_contact_roles,
)
from referrals.states import CaseStatus

from . import calendar
from .models import (
    CalendarFeedToken,
    ClosureDay,
    Deadline,
    DeadlineRule,
    ExtraHoliday,
    StatutoryNotification,
)

logger = logging.getLogger(__name__)

# Cases whose deadlines no longer run, whatever a deadline row says.
INACTIVE_CASE_STATUSES = (CaseStatus.DRAFT, CaseStatus.WITHDRAWN, CaseStatus.DUPLICATE)


class DeadlineError(Exception):
    """An action on a deadline that is not allowed; the message says why, for a person."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        # The form field the message belongs next to, when there is one.
        self.field = field


# --- permissions (side-effect free, used by views to decide what to show) -------------


def can_waive(user) -> bool:
    return user.has_role(Role.COORDINATOR, Role.CHAIR)


def can_record_notifications(user) -> bool:
    """The coordinator, or a local authority's safeguarding lead acting as the LA service
    leader (procedure §5 puts the duty to notify on the local authority)."""
    if user.has_role(Role.COORDINATOR):
        return True
    agency = getattr(user, "agency", None)
    return bool(
        user.has_role(Role.AGENCY_LEAD) and agency is not None and agency.kind == Agency.Kind.LOCAL_AUTHORITY
    )


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
    from referrals.models import Referral

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
        actor=by,
        action="deadline.opened",
        obj=referral,
        summary=f"Deadline '{rule.code}' opened: counted from {_anchor_in_words(rule, anchor)}, "
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
        .filter(referral_id=referral.pk, rule__code=rule_code, status=Deadline.Status.OPEN)
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
        actor=by,
        action="deadline.met" if deadline.status == Deadline.Status.MET else "deadline.missed",
        obj=referral,
        summary=f"Deadline '{rule_code}' {'met' if deadline.status == Deadline.Status.MET else 'met late'} "
        f"at {met_at.isoformat(timespec='minutes')} (due {deadline.due_date.isoformat()})",
        now=now,
    )
    return deadline


@transaction.atomic
def deadline_waive(*, deadline, by, reason: str, now=None) -> Deadline:
    """Close an open deadline as waived, with the reason. Coordinator or chair only.

    Locks the deadline. Waiving again with the same reason (a repeated form post)
    returns the deadline unchanged; anything else on a closed deadline is refused.
    """
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not can_waive(by):
        raise DeadlineError("Only the partnership coordinator or the subgroup chair can waive a deadline")
    if not reason:
        raise DeadlineError("Enter why the deadline is being waived", field="reason")
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
        actor=by,
        action="deadline.waived",
        obj=deadline.referral,
        summary=f"Deadline '{deadline.rule.code}' waived (reason recorded)",
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
        .filter(referral_id=referral.pk, status=Deadline.Status.OPEN)
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
            actor=by,
            action="deadline.closed_duplicate",
            obj=referral,
            summary="Deadlines closed as the referral is a duplicate: "
            + ", ".join(d.rule.code for d in deadlines),
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


# --- moving deadlines -----------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    deadline_id: int
    reference: str
    rule_label: str
    old_due: date
    new_due: date

    def __str__(self):
        return (
            f"{self.reference}: {self.rule_label} moved from {calendar.format_day(self.old_due)} "
            f"to {calendar.format_day(self.new_due)}"
        )


def _recompute(deadlines, *, anchors=None) -> list[Move]:
    """Work out again the due dates of these (locked, open) deadlines; save those that change."""
    moves, changed = [], []
    for deadline in deadlines:
        anchor = anchors.get(deadline.pk, deadline.anchor_date) if anchors else deadline.anchor_date
        due = deadline_compute(deadline.rule, anchor)
        if (anchor, due.due_date, due.explanation) == (
            deadline.anchor_date,
            deadline.due_date,
            deadline.explanation,
        ):
            continue
        if due.due_date != deadline.due_date:
            moves.append(
                Move(
                    deadline_id=deadline.pk,
                    reference=deadline.referral.reference or f"#{deadline.referral_id}",
                    rule_label=deadline.rule.label,
                    old_due=deadline.due_date,
                    new_due=due.due_date,
                )
            )
            # A new due day starts its reminders afresh.
            deadline.reminded_stage = ""
        deadline.anchor_date = anchor
        deadline.due_date = due.due_date
        deadline.due_at = due.due_at
        deadline.explanation = due.explanation
        changed.append(deadline)
    Deadline.objects.bulk_update(
        changed, ["anchor_date", "due_date", "due_at", "explanation", "reminded_stage"], batch_size=500
    )
    return moves


@transaction.atomic
def deadline_reanchor(*, referral, rule_code: str, anchor, by, now=None) -> Move | None:
    """Count the case's open deadline of `rule_code` from a new anchor (a date, or a
    datetime taken as its date in England), for an event that was re-planned, such as a
    new planned publication date.

    Locks the deadline. A met, missed or waived deadline keeps its dates, and the same
    anchor again changes nothing. Records on the case what moved. Returns the move, or
    None when the due date stays where it was.
    """
    now = now or timezone.now()
    anchor = _as_date(anchor)
    deadline = (
        Deadline.objects.select_for_update(of=("self",))
        .filter(referral_id=referral.pk, rule__code=rule_code, status=Deadline.Status.OPEN)
        .select_related("rule", "referral")
        .first()
    )
    if deadline is None or deadline.anchor_date == anchor:
        return None
    old_anchor = deadline.anchor_date
    moves = _recompute([deadline], anchors={deadline.pk: anchor})
    counted_from = (
        f"{anchor.isoformat()} instead of {old_anchor.isoformat()}"
        if deadline.rule.anchor == DeadlineRule.Anchor.EVENT
        else f"a changed date ({_anchor_in_words(deadline.rule, anchor)})"
    )
    audit_record(
        actor=by,
        action="deadline.reanchored",
        obj=deadline.referral,
        summary=f"Deadline '{rule_code}' counted from {counted_from}; "
        + (
            f"due {moves[0].old_due.isoformat()} moved to {moves[0].new_due.isoformat()}"
            if moves
            else "due date unchanged"
        ),
        now=now,
    )
    return moves[0] if moves else None


@transaction.atomic
def referral_record_la_aware(*, referral, la_aware_on: date, by, now=None) -> list[Move]:
    """Record the date the local authority became aware of the incident, when earlier
    than the submission, and move the open deadlines counted from it.

    Locks the referral and its deadlines. Deadlines already met, missed or waived keep
    their dates. Records an audit event listing what moved.
    """
    from referrals.models import Referral

    now = now or timezone.now()
    if not can_record_notifications(by):
        raise DeadlineError(
            "Only the partnership coordinator or the local authority’s safeguarding lead can record this"
        )
    referral = _lock_referral(referral)
    if referral.status in (CaseStatus.DRAFT, CaseStatus.WITHDRAWN) or referral.submitted_at is None:
        raise DeadlineError("The referral has not been submitted")
    submitted_on = calendar.london_date(referral.submitted_at)
    if la_aware_on > calendar.london_date(now):
        raise DeadlineError(
            "The date the local authority became aware must be today or in the past", field="la_aware_on"
        )
    if la_aware_on > submitted_on:
        raise DeadlineError(
            "The date the local authority became aware must be on or before the date the referral was "
            f"submitted ({calendar.format_day(submitted_on)}), which is used otherwise",
            field="la_aware_on",
        )
    if referral.incident_date and la_aware_on < referral.incident_date:
        raise DeadlineError(
            "The date the local authority became aware must be on or after the date of the incident "
            f"({calendar.format_day(referral.incident_date)})",
            field="la_aware_on",
        )
    previous = referral.la_aware_on
    if previous == la_aware_on:
        # The same date again (a repeated form post): nothing changes, nothing to record.
        return []
    Referral.objects.filter(pk=referral.pk).update(la_aware_on=la_aware_on)
    referral.la_aware_on = la_aware_on
    deadlines = list(
        Deadline.objects.select_for_update(of=("self",))
        .filter(referral=referral, status=Deadline.Status.OPEN, rule__anchor=DeadlineRule.Anchor.LA_AWARE)
        .select_related("rule", "referral")
    )
    moves = _recompute(deadlines, anchors={d.pk: la_aware_on for d in deadlines})
    moved = "; ".join(f"{m.rule_label}: {m.old_due.isoformat()} to {m.new_due.isoformat()}" for m in moves)
    audit_record(
        actor=by,
        action="referral.la_aware_recorded",
        obj=referral,
        summary=f"LA awareness date recorded ({previous.isoformat() if previous else 'none'} to "
        f"{la_aware_on.isoformat()}). Moved: {moved or 'nothing'}",
        now=now,
    )
    return moves


def _calendar_recompute(*, days, by, now, what: str) -> list[Move]:
    """Move the open working-day deadlines whose count a changed calendar day touches."""
    calendar.invalidate()
    # Other processes notice the new version within seconds; this one at once, and
    # again after commit in case a concurrent reader rebuilt from the old rows.
    transaction.on_commit(calendar.invalidate)
    touched = Q()
    for day in days:
        touched |= Q(anchor_date__lte=day, due_date__gte=day) | Q(due_date__lte=day, anchor_date__gte=day)
    deadlines = list(
        Deadline.objects.select_for_update(of=("self",))
        .filter(touched, status=Deadline.Status.OPEN, rule__unit=DeadlineRule.Unit.WORKING_DAYS)
        .select_related("rule", "referral")
        .order_by("due_at", "pk")
    )
    moves = _recompute(deadlines)
    for move in moves:
        audit_record(
            actor=by,
            action="deadline.moved",
            obj=next(d.referral for d in deadlines if d.pk == move.deadline_id),
            summary=f"{move.rule_label}: due {move.old_due.isoformat()} moved to {move.new_due.isoformat()} "
            f"({what})",
            now=now,
        )
    audit_record(
        actor=by,
        action="calendar.changed",
        summary=f"{what}; {len(moves)} open deadline(s) moved"
        + (": " + "; ".join(str(m) for m in moves) if moves else ""),
        now=now,
    )
    return moves


@transaction.atomic
def calendar_day_save(
    *, day_obj: ClosureDay | ExtraHoliday, by, now=None, old_day: date | None = None
) -> list[Move]:
    """Save a closure day or one-off bank holiday (new or changed) and move the open
    deadlines it affects. Returns the moves; records them in the audit trail."""
    now = now or timezone.now()
    kind = "closure day" if isinstance(day_obj, ClosureDay) else "one-off bank holiday"
    # Saving bumps the calendar version (deadlines.signals), so every process rebuilds.
    day_obj.save()
    days = {day_obj.day} | ({old_day} if old_day else set())
    verb = "changed" if old_day and old_day != day_obj.day else "saved"
    return _calendar_recompute(
        days=days, by=by, now=now, what=f"{kind} {verb}: {', '.join(d.isoformat() for d in sorted(days))}"
    )


@transaction.atomic
def calendar_days_delete(*, day_objs, by, now=None) -> list[Move]:
    """Remove closure days or one-off bank holidays and move the open deadlines they affected."""
    now = now or timezone.now()
    day_objs = list(day_objs)
    if not day_objs:
        return []
    days = {obj.day for obj in day_objs}
    for obj in day_objs:
        obj.delete()
    return _calendar_recompute(
        days=days, by=by, now=now, what=f"removed: {', '.join(d.isoformat() for d in sorted(days))}"
    )


@transaction.atomic
def deadline_rule_save(*, rule: DeadlineRule, by, now=None) -> list[Move]:
    """Save an administrator's change to a rule and move its open deadlines to match."""
    now = now or timezone.now()
    rule.save()
    deadlines = list(
        Deadline.objects.select_for_update(of=("self",))
        .filter(rule=rule, status=Deadline.Status.OPEN)
        .select_related("rule", "referral")
    )
    for deadline in deadlines:
        deadline.rule = rule
    moves = _recompute(deadlines)
    audit_record(
        actor=by,
        action="deadline_rule.changed",
        summary=f"Rule '{rule.code}' saved; {len(moves)} open deadline(s) moved"
        + (": " + "; ".join(str(m) for m in moves) if moves else ""),
        now=now,
    )
    return moves


# --- statutory notifications ----------------------------------------------------------

NOTIFICATION_LABELS = {
    StatutoryNotification.Kind.NATIONAL_PANEL: "the National Panel notification",
    StatutoryNotification.Kind.PARTNERS: "the report to the safeguarding partners",
    StatutoryNotification.Kind.SOS_OFSTED: "the notification to the Secretary of State and Ofsted",
}


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
        raise DeadlineError(
            "Only the partnership coordinator or the local authority’s safeguarding lead can record this"
        )
    referral = _lock_referral(referral)
    if referral.status in INACTIVE_CASE_STATUSES or referral.submitted_at is None:
        raise DeadlineError("Notifications can be recorded only for a submitted case")
    if kind == StatutoryNotification.Kind.SOS_OFSTED and not referral.looked_after_death:
        raise DeadlineError(
            "The Secretary of State and Ofsted are notified only of the death of a looked-after child"
        )
    if kind == StatutoryNotification.Kind.NATIONAL_PANEL and not reference:
        raise DeadlineError("Enter the National Panel’s notification reference", field="reference")
    if notified_on > calendar.london_date(now):
        raise DeadlineError("The date must be today or in the past", field="notified_on")
    if referral.incident_date and notified_on < referral.incident_date:
        raise DeadlineError(
            "The date must be on or after the date of the incident "
            f"({calendar.format_day(referral.incident_date)})",
            field="notified_on",
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
        actor=by,
        action="statutory_notification.recorded",
        obj=referral,
        summary=f"{record.get_kind_display()} on {notified_on.isoformat()}"
        + (" (reference recorded)" if reference else ""),
        now=now,
    )
    return record


# --- the sweep ------------------------------------------------------------------------

STAGE_RANK = {"reminder": 1, "due": 2, "overdue": 3}


def _stage_rank(stage: str) -> tuple[int, str]:
    kind, _, day = stage.partition(":")
    return (STAGE_RANK.get(kind, 0), day)


def deadline_stage_owed(deadline: Deadline, *, now: datetime) -> str | None:
    """The reminder a deadline is owed now: "reminder:<day>", "due:<day>",
    "overdue:<day>", or None.

    Only the latest stage counts: a reminder whose moment has passed unsent (the sweep
    was down) is superseded by the next, which says everything it would have said.
    The first overdue reminder is the escalation and is never superseded unless the
    rule repeats overdue reminders, each of which escalates too.
    """
    rule = deadline.rule
    today = calendar.london_date(now)
    if now > deadline.due_at:
        day = deadline.due_date + timedelta(days=1)
        if rule.repeat_overdue and today > day:
            latest_working = today if calendar.is_working_day(today) else calendar.add_working_days(today, -1)
            day = max(day, latest_working)
        return f"overdue:{day.isoformat()}"
    if today == deadline.due_date:
        return f"due:{deadline.due_date.isoformat()}" if rule.remind_on_due_day else None
    reminder_days = [calendar.add_working_days(deadline.due_date, -n) for n in rule.reminder_days()]
    passed = [day for day in reminder_days if day <= today]
    if passed:
        return f"reminder:{max(passed).isoformat()}"
    return None


@dataclass
class SweepSummary:
    examined: int = 0
    reminders: int = 0
    due: int = 0
    overdue: int = 0
    rows_written: int = 0
    batches: int = 0

    def count(self, stage: str) -> None:
        kind = stage.partition(":")[0]
        if kind == "reminder":
            self.reminders += 1
        elif kind == "due":
            self.due += 1
        else:
            self.overdue += 1

    def __str__(self):
        return (
            f"deadline sweep: examined={self.examined} reminders={self.reminders} due={self.due} "
            f"overdue={self.overdue} outbox_rows={self.rows_written} batches={self.batches}"
        )


class _Recipients:
    """Who to remind, read once per sweep per set of roles."""

    def __init__(self):
        self._contacts: dict[tuple, list] = {}
        self._users: dict[tuple, list] = {}

    def contacts(self, roles) -> list:
        key = tuple(sorted(roles))
        if key and key not in self._contacts:
            self._contacts[key] = recipients_for_contact_roles(*key)
        return self._contacts.get(key, [])

    def users(self, roles) -> list:
        key = tuple(sorted(r for r in roles if r in Role.values))
        if key and key not in self._users:
            labels = [Role(r).label for r in key]
            users = User.objects.filter(is_active=True, groups__name__in=labels).exclude(email="").distinct()
            self._users[key] = [recipient_for_user(u) for u in users.order_by("pk")]
        return self._users.get(key, [])

    def for_deadline(self, deadline: Deadline, *, overdue: bool) -> list:
        rule = deadline.rule
        found = list(self.users(rule.remind_user_roles)) + list(self.contacts(rule.remind_contact_roles))
        if rule.remind_referrer:
            author = deadline.referral.created_by
            if author.is_active and author.email:
                found.append(recipient_for_user(author))
        if overdue:
            found += self.contacts(rule.escalate_contact_roles)
        return found


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _reminder_item(deadline: Deadline, stage: str, *, now, recipients: _Recipients) -> dict:
    """The outbox event for one deadline's reminder stage, for notification_queue_many."""
    kind, _, day = stage.partition(":")
    today = calendar.london_date(now)
    context = {
        "reference": deadline.referral.reference or "",
        "deadline_label": deadline.rule.label,
        "due_date": calendar.format_day(deadline.due_date),
        # Straight to the deadlines section of the case page, where they are recorded.
        "link_path": reverse("referrals:detail", args=[deadline.referral_id]) + "#deadlines",
    }
    if kind == "overdue":
        late = calendar.working_days_between(deadline.due_date, today)
        context["overdue_by"] = _plural(late, "working day") if late > 0 else "less than a working day"
    elif kind == "reminder":
        context["due_in"] = _plural(calendar.working_days_between(today, deadline.due_date), "working day")
    return {
        "event": f"deadline_{kind}",
        "event_key": f"deadline:{deadline.pk}:{stage}",
        "case_reference": deadline.referral.reference or "",
        "recipients": recipients.for_deadline(deadline, overdue=kind == "overdue"),
        "template": f"deadline_{kind}",
        "context": context,
    }


def deadline_sweep(*, now=None, batch_size: int = 500) -> SweepSummary:
    """Write to the outbox every reminder the open deadlines are owed now and have not had.

    Works in batches, each its own transaction with its deadlines locked (rows another
    sweep holds are skipped), so a worker killed mid-sweep leaves whole batches done or
    undone. A batch costs the same few queries however many of its deadlines owe a
    reminder: one read, one outbox write for all of them, one update. A reminder stage
    is written once: the deadline remembers the last stage written and the outbox's
    unique keys refuse a second row, so double or missed runs and a clock moved forward
    send nothing twice and lose no escalation. Met, waived and duplicate deadlines are
    not open, so they are never looked at.
    """
    now = now or timezone.now()
    today = calendar.london_date(now)
    summary = SweepSummary()
    recipients = _Recipients()
    # Only deadlines close enough to owe a reminder are read at all: per rule, those due
    # within its earliest reminder (one small query for the rules, one filter).
    within_reach = Q(pk__in=[])
    for rule in DeadlineRule.objects.only("pk", "remind_days_before"):
        ahead = max(rule.reminder_days(), default=0)
        within_reach |= Q(rule_id=rule.pk, due_date__lte=calendar.add_working_days(today, ahead))
    last_pk = 0
    while True:
        with transaction.atomic():
            batch = list(
                Deadline.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(within_reach, status=Deadline.Status.OPEN, pk__gt=last_pk)
                .exclude(referral__status__in=INACTIVE_CASE_STATUSES)
                .select_related("rule", "referral", "referral__created_by")
                .order_by("pk")[:batch_size]
            )
            if not batch:
                break
            summary.batches += 1
            last_pk = batch[-1].pk
            changed, items = [], []
            for deadline in batch:
                summary.examined += 1
                stage = deadline_stage_owed(deadline, now=now)
                if stage is None or _stage_rank(stage) <= _stage_rank(deadline.reminded_stage):
                    continue
                items.append(_reminder_item(deadline, stage, now=now, recipients=recipients))
                summary.count(stage)
                deadline.reminded_stage = stage
                deadline.reminded_at = now
                changed.append(deadline)
            # One outbox write and one update for the whole batch, however many are owed.
            summary.rows_written += len(notification_queue_many(items, now=now))
            Deadline.objects.bulk_update(changed, ["reminded_stage", "reminded_at"])
        if len(batch) < batch_size:
            break
    logger.info("%s", summary)
    return summary


# --- calendar feed addresses ----------------------------------------------------------


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
        actor=user,
        action="calendar_feed.created",
        obj=token,
        summary="Calendar feed address created" + (" (previous address turned off)" if active else ""),
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
        audit_record(
            actor=by or user,
            action="calendar_feed.revoked",
            obj=token,
            summary="Calendar feed address turned off",
            now=now,
        )
    return len(active)


def calendar_feed_token_used(*, token: CalendarFeedToken, now=None) -> None:
    """Note when a feed address was last read, so its owner can see it is in use."""
    now = now or timezone.now()
    CalendarFeedToken.objects.filter(pk=token.pk).update(last_used_at=now)
