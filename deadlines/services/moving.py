"""Moving open deadlines: a re-planned event, a corrected anchor date, a calendar change
(closure day, one-off bank holiday) or a changed rule. Met, missed and waived deadlines
keep their dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cspr.audit.models import AuditAction
from cspr.audit.services import audit_record

from .. import calendar
from ..models import ClosureDay, Deadline, DeadlineRule, ExtraHoliday
from .deadlines import _anchor_in_words, _as_date, deadline_compute


@dataclass(frozen=True)
class DeadlineMove:
    """One open deadline whose due date a change moved."""

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


def _recompute(deadlines, *, anchors=None) -> list[DeadlineMove]:
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
                DeadlineMove(
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
def deadline_reanchor(*, referral, rule_code: str, anchor, by, now=None) -> DeadlineMove | None:
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
        .open()
        .filter(referral_id=referral.pk, rule__code=rule_code)
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
        by,
        AuditAction.DEADLINE_REANCHORED,
        deadline.referral,
        f"Deadline '{rule_code}' counted from {counted_from}; "
        + (
            f"due {moves[0].old_due.isoformat()} moved to {moves[0].new_due.isoformat()}"
            if moves
            else "due date unchanged"
        ),
        now=now,
    )
    return moves[0] if moves else None


@transaction.atomic
def deadlines_reanchor_from(*, referral, anchor: str, day: date) -> list[DeadlineMove]:
    """Count again from `day` the case's open deadlines whose rules count from `anchor`
    (a DeadlineRule.Anchor), after that recorded date changed.

    Locks those deadlines. Met, missed and waived deadlines keep their dates. The caller
    records the change on the case, with the moves this returns.
    """
    deadlines = list(
        Deadline.objects.select_for_update(of=("self",))
        .open()
        .filter(referral_id=referral.pk, rule__anchor=anchor)
        .select_related("rule", "referral")
    )
    return _recompute(deadlines, anchors={d.pk: day for d in deadlines})


def _calendar_recompute(*, days, by, now, what: str) -> list[DeadlineMove]:
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
        .open()
        .filter(touched, rule__unit=DeadlineRule.Unit.WORKING_DAYS)
        .select_related("rule", "referral")
        .order_by("due_at", "pk")
    )
    moves = _recompute(deadlines)
    for move in moves:
        audit_record(
            by,
            AuditAction.DEADLINE_MOVED,
            next(d.referral for d in deadlines if d.pk == move.deadline_id),
            f"{move.rule_label}: due {move.old_due.isoformat()} moved to {move.new_due.isoformat()} ({what})",
            now=now,
        )
    audit_record(
        by,
        AuditAction.CALENDAR_CHANGED,
        None,
        f"{what}; {len(moves)} open deadline(s) moved"
        + (": " + "; ".join(str(m) for m in moves) if moves else ""),
        now=now,
    )
    return moves


@transaction.atomic
def calendar_day_save(
    *, day_obj: ClosureDay | ExtraHoliday, by, now=None, old_day: date | None = None
) -> list[DeadlineMove]:
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
def calendar_days_delete(*, day_objs, by, now=None) -> list[DeadlineMove]:
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
def deadline_rule_save(*, rule: DeadlineRule, by, now=None) -> list[DeadlineMove]:
    """Save an administrator's change to a rule and move its open deadlines to match."""
    now = now or timezone.now()
    rule.save()
    deadlines = list(
        Deadline.objects.select_for_update(of=("self",))
        .open()
        .filter(rule=rule)
        .select_related("rule", "referral")
    )
    for deadline in deadlines:
        deadline.rule = rule
    moves = _recompute(deadlines)
    audit_record(
        by,
        AuditAction.DEADLINE_RULE_CHANGED,
        None,
        f"Rule '{rule.code}' saved; {len(moves)} open deadline(s) moved"
        + (": " + "; ".join(str(m) for m in moves) if moves else ""),
        now=now,
    )
    return moves
