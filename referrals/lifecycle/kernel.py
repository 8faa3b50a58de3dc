"""The small kernel every move of a case goes through: lock the case, check the move is
open to this person now, make it, and log it (a CaseTransition row and an audit event),
plus the date checks most moves share.

Every service that moves a case (referrals.services, rapidreview.services) is one
transaction that:
1. locks the case row (`case_lock`), so two people acting at once are served one after
   the other and the second sees the first's result;
2. checks the move is possible from the case's state *now* and that the person may make
   it (`case_check_move`, from the transition's `permission=`), refusing with a
   CaseActionError whose message says why in words;
3. checks what the move needs (a rationale, dates in order...), refusing the same way;
4. writes its content and calls `case_move`, which makes the transition, saves, and
   writes the CaseTransition row and the audit event;
5. opens and meets the deadlines the move implies, and queues its notifications.

A refusal writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from cspr.audit.models import AuditAction
from cspr.audit.services import audit_record
from cspr.dates import long_date
from cspr.permissions import signed_in
from referrals.models import CaseTransition, Referral
from referrals.permissions import can_drive_case

from .moves import Move, transition_of
from .refusals import refusal_message
from .states import CaseStatus

STALE = (
    "Someone else changed this case while you were working on it. "
    "Nothing you entered has been saved: check the case and try again"
)


class CaseActionError(Exception):
    """A move or record that is not allowed now; `problems` maps a form field (or None) to
    a message a person can act on."""

    def __init__(self, message: str | dict, *, field: str | None = None):
        problems = message if isinstance(message, dict) else {field: message}
        self.problems = problems
        self.message = next(iter(problems.values()))
        super().__init__(self.message)


def case_lock(referral) -> Referral:
    """The case, re-read and locked for the rest of the transaction."""
    try:
        return Referral.objects.select_for_update().get(pk=referral.pk)
    except Referral.DoesNotExist:
        raise CaseActionError("This case no longer exists") from None


def case_check_move(case: Referral, move: Move, by) -> None:
    """Refuse, with the reason, unless `move` is open to `by` from the case's state."""
    method = transition_of(case, move)
    if not can_proceed(method):
        raise CaseActionError(refusal_message(move, case.status))
    if not has_transition_perm(method, by):
        permission = method._django_fsm.get_transition(case.status).permission
        raise CaseActionError(getattr(permission, "refusal", "You do not have permission to do this"))


def case_check_record(case: Referral, by, *, allowed, what: str, permitted=can_drive_case) -> None:
    """The same check for a record that does not move the case (dates, logs, plans):
    the case is in one of the `allowed` states and `permitted(by, case)` holds."""
    if case.status not in allowed:
        raise CaseActionError(f"You cannot {what} now: the case’s status is “{case.get_status_display()}”")
    if not permitted(by, case):
        raise CaseActionError(permitted.refusal)


def case_transition_log(
    *, referral: Referral, move: Move, from_status: str, by, now, reason: str = "", details=None
) -> CaseTransition:
    """The CaseTransition row for a move just made on `referral`."""
    return CaseTransition.objects.create(
        referral=referral,
        name=Move(move),
        from_status=from_status,
        to_status=referral.status,
        by=by if signed_in(by) else None,
        at=now,
        reason=reason,
        details=details or {},
    )


def case_move(
    case: Referral,
    move: Move,
    *,
    by,
    now,
    reason: str = "",
    details: dict | None = None,
    also_save: tuple[str, ...] = (),
    summary: str = "",
) -> CaseTransition:
    """Make `move` on the locked case, save it and log it (row and audit event)."""
    from_status = case.status
    transition_of(case, move)()
    try:
        case.save(update_fields=["status", *also_save])
    except ConcurrentTransition:
        raise CaseActionError(STALE) from None
    row = case_transition_log(
        referral=case, move=move, from_status=from_status, by=by, now=now, reason=reason, details=details
    )
    audit_record(
        by,
        AuditAction.for_move(move),
        case,
        summary or f"Status {CaseStatus(from_status).label} → {CaseStatus(case.status).label}",
        now=now,
    )
    return row


@dataclass(frozen=True)
class DateAnswer:
    """A date someone records about a case, checked the same way by its form and its
    service: given (unless optional), not in the future, and not before the event it
    follows. `what` is how messages name it ("date the rapid review started"); `after`
    how they name the earliest day it may be ("the date of the decision to hold it")."""

    field: str
    what: str
    after: str = ""
    required: bool = True

    def problems(self, day: date | None, *, today: date, earliest: date | None = None) -> dict:
        if day is None:
            return {self.field: f"Enter the {self.what}"} if self.required else {}
        if day > today:
            return {self.field: f"The {self.what} must be today or in the past"}
        if earliest and day < earliest:
            return {self.field: f"The {self.what} must be on or after {self.after} ({long_date(earliest)})"}
        return {}


def raise_problems(problems: dict) -> None:
    if problems:
        raise CaseActionError(problems)
