"""Before the decision: withdrawing a submitted referral, and linking it to the case it
duplicates."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from cspr.audit.models import AuditAction
from cspr.audit.services import audit_record
from deadlines.models import Deadline
from deadlines.services import deadlines_close_for_duplicate
from referrals.lifecycle import kernel
from referrals.lifecycle.moves import Move
from referrals.lifecycle.states import CaseStatus
from referrals.models import CaseTransition, Referral

from .case_deadlines import deadlines_waive_open
from .notify import DUPLICATE, WITHDRAWN, case_tell


def withdraw_problems(*, reason: str) -> dict:
    if not (reason or "").strip():
        return {"reason": "Enter why the referral is being withdrawn"}
    return {}


def duplicate_problems(case: Referral, *, duplicate_of: Referral | None) -> dict:
    """Why `duplicate_of` cannot be the main case of this referral, by the field."""
    if duplicate_of is None:
        return {"duplicate_of": "Enter the reference of the case this referral duplicates"}
    if duplicate_of.pk == case.pk:
        return {"duplicate_of": "A referral cannot be a duplicate of itself"}
    if duplicate_of.status in CaseStatus.inactive_states:
        return {
            "duplicate_of": f"{duplicate_of.reference or 'That referral'} cannot be the main case: its "
            f"status is “{duplicate_of.get_status_display()}”"
        }
    return {}


@transaction.atomic
def case_withdraw(*, referral, reason: str, by, now=None) -> CaseTransition:
    """Withdraw a submitted referral before the decision (for example, at the referrer's request).

    Chair or coordinator. Needs a reason. Waives the case's open deadlines; tells the
    referrer, the coordinator and the chair.
    """
    now = now or timezone.now()
    case = kernel.case_lock(referral)
    kernel.case_check_move(case, Move.WITHDRAW, by)
    kernel.raise_problems(withdraw_problems(reason=reason))
    row = kernel.case_move(case, Move.WITHDRAW, by=by, now=now, reason=reason.strip())
    open_codes = Deadline.objects.open().filter(referral=case).values_list("rule__code", flat=True)
    deadlines_waive_open(case, list(open_codes), reason="The referral was withdrawn", by=by, now=now)
    case_tell(case, WITHDRAWN, now=now)
    return row


@transaction.atomic
def case_link_as_duplicate(*, referral, duplicate_of, reason: str = "", by, now=None) -> CaseTransition:
    """Link a submitted referral to the existing case about the same incident.

    Chair or coordinator. The referral's deadlines close as "duplicate"; the other case
    carries on and both case pages show the link. Both are locked, lower id first, so
    two links made at once cannot deadlock.
    """
    now = now or timezone.now()
    if duplicate_of is None:
        kernel.raise_problems(duplicate_problems(referral, duplicate_of=None))
    first, second = sorted([referral.pk, duplicate_of.pk])
    locked = {pk: kernel.case_lock(Referral(pk=pk)) for pk in dict.fromkeys([first, second])}
    case, primary = locked[referral.pk], locked[duplicate_of.pk]
    kernel.case_check_move(case, Move.LINK_AS_DUPLICATE, by)
    kernel.raise_problems(duplicate_problems(case, duplicate_of=primary))
    case.duplicate_of = primary
    reason = (reason or "").strip()
    row = kernel.case_move(
        case,
        Move.LINK_AS_DUPLICATE,
        by=by,
        now=now,
        reason=reason,
        details={"duplicate_of": primary.pk, "duplicate_of_reference": primary.reference},
        also_save=("duplicate_of",),
        summary=f"Linked as a duplicate of {primary.reference}",
    )
    audit_record(
        by,
        AuditAction.DUPLICATE_LINKED,
        primary,
        f"{case.reference} linked to this case as a duplicate",
        now=now,
    )
    deadlines_close_for_duplicate(referral=case, by=by, now=now)
    case_tell(case, DUPLICATE, now=now, main=primary.reference)
    return row
