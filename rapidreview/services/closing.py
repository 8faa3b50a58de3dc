"""Closing a case whose route has ended."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from referrals.lifecycle import kernel
from referrals.lifecycle.moves import Move
from referrals.lifecycle.states import CaseStatus
from referrals.models import CaseTransition, Referral
from referrals.services import case_tell

from ..models import (
    Recommendation,
)
from . import notices

S = CaseStatus


def close_blockers(case: Referral) -> list[str]:
    """What still stops a case being closed, in words (side-effect free; the panel shows it)."""

    blockers = []
    if case.status in (S.NO_REVIEW, S.OTHER_LEARNING_REVIEW):
        decision = getattr(case, "subgroup_decision", None)
        if decision and (decision.family_informed_on is None or decision.referrer_informed_on is None):
            blockers.append("Record when the decision was communicated to the family and the referrer")
    if case.status in (S.PUBLISHED, S.IMPROVEMENTS_PUBLISHED):
        open_count = Recommendation.objects.filter(referral=case).open().count()
        if open_count:
            blockers.append(
                f"{open_count} recommendation{'s are' if open_count != 1 else ' is'} not done yet: "
                "a case is closed when its action plan is complete"
            )
    return blockers


@transaction.atomic
def case_close(*, referral, reason: str = "", by, now=None) -> CaseTransition:
    """Close a case whose route has ended. Refused while anything is still owed."""
    now = now or timezone.now()
    case = kernel.case_lock(referral)
    kernel.case_check_move(case, Move.CLOSE, by)
    blockers = close_blockers(case)
    if blockers:
        raise kernel.CaseActionError(blockers[0])
    row = kernel.case_move(case, Move.CLOSE, by=by, now=now, reason=(reason or "").strip())
    case_tell(case, notices.CLOSED, now=now)
    return row
