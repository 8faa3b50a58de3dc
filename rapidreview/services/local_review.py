"""The local review (LCSPR, §10): its start and methodology, and the involvement of
practitioners and the family."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from cspr.audit.models import AuditAction
from cspr.audit.services import audit_record
from referrals.lifecycle import kernel
from referrals.lifecycle.moves import Move
from referrals.lifecycle.states import CaseStatus
from referrals.services import case_tell

from ..models import (
    Involvement,
    LocalReview,
)
from . import notices

S = CaseStatus


# The dates asked for here: what messages call them, and what they may not come before.
LOCAL_REVIEW_STARTED_ON = kernel.DateAnswer(
    "started_on", "date the local review started", after="the date the reviewer was commissioned"
)
INVOLVEMENT_ON = kernel.DateAnswer("happened_on", "date", after="the date the review was commissioned")


def local_start_problems(
    local: LocalReview | None, *, started_on: date | None, methodology: str, today: date
) -> dict:
    problems = LOCAL_REVIEW_STARTED_ON.problems(
        started_on, today=today, earliest=local.commissioned_on if local else None
    )
    if not (methodology or "").strip():
        problems["methodology"] = "Enter the review’s methodology"
    return problems


@transaction.atomic
def case_start_local_review(*, referral, started_on: date, methodology: str, by, now=None):
    """Start the commissioned local review, recording its methodology."""

    now = now or timezone.now()
    case = kernel.case_lock(referral)
    kernel.case_check_move(case, Move.START_LOCAL_REVIEW, by)
    local = LocalReview.objects.select_for_update().get(referral=case)
    kernel.raise_problems(
        local_start_problems(
            local, started_on=started_on, methodology=methodology, today=timezone.localdate(now)
        )
    )
    local.started_on = started_on
    local.methodology = methodology.strip()
    local.save(update_fields=["started_on", "methodology"])
    kernel.case_move(
        case, Move.START_LOCAL_REVIEW, by=by, now=now, details={"started_on": started_on.isoformat()}
    )
    case_tell(case, notices.LOCAL_REVIEW_STARTED, now=now)
    return local


def involvement_problems(
    local: LocalReview | None, *, kind: str, who: str, happened_on: date | None, method: str, today: date
) -> dict:
    problems: dict = {}
    if kind not in Involvement.Kind.values:
        problems["kind"] = "Select whether this is practitioners’ or the family’s involvement"
    if not (who or "").strip():
        problems["who"] = "Enter who took part"
    problems.update(
        INVOLVEMENT_ON.problems(happened_on, today=today, earliest=local.commissioned_on if local else None)
    )
    if method not in Involvement.Method.values:
        problems["method"] = "Select how they took part"
    return problems


@transaction.atomic
def involvement_record(
    *, referral, kind: str, who: str, happened_on: date, method: str, details: str = "", token, by, now=None
) -> Involvement:
    """Log one contribution of practitioners or the family to the local review (§10)."""
    now = now or timezone.now()
    case = kernel.case_lock(referral)
    kernel.case_check_record(
        case, by, allowed=S.local_review_states, what="log involvement in the local review"
    )
    existing = Involvement.objects.filter(token=token).first()
    if existing is not None:
        return existing
    local = LocalReview.objects.get(referral=case)
    kernel.raise_problems(
        involvement_problems(
            local, kind=kind, who=who, happened_on=happened_on, method=method, today=timezone.localdate(now)
        )
    )
    entry = Involvement.objects.create(
        referral=case,
        kind=kind,
        who=who.strip(),
        happened_on=happened_on,
        method=method,
        details=(details or "").strip(),
        recorded_by=by,
        recorded_at=now,
        token=token,
    )
    audit_record(
        by,
        AuditAction.INVOLVEMENT_LOGGED,
        case,
        f"Involvement logged: {entry.get_kind_display().lower()}, {entry.get_method_display().lower()}",
        now=now,
    )
    return entry
