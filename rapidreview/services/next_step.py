"""What follows the rapid review once the Panel has it (§9): a local review
commissioned, a national review led by the Panel, or no further review."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from cspr.audit.models import AuditAction
from cspr.dates import long_date
from deadlines.services import deadline_open
from referrals.lifecycle import kernel
from referrals.lifecycle.moves import Move
from referrals.lifecycle.states import CaseStatus
from referrals.models import CaseTransition
from referrals.services import case_date_record, case_tell, deadline_met_on, deadlines_waive_open

from ..models import (
    LocalReview,
    NextStep,
)
from . import notices

S = CaseStatus
# The deadline of telling the Panel, Ofsted and DfE of the local review, with the reviewer.
INFORM = "inform_panel_ofsted_dfe"


# The dates asked for here: what messages call them, and what they may not come before.
LOCAL_REVIEW_DECIDED_ON = kernel.DateAnswer(
    "decided_on",
    "date of the decision to hold a local review",
    after="the date the rapid review was completed",
)
COMMISSIONED_ON = kernel.DateAnswer(
    "commissioned_on", "date the reviewer was commissioned", after="the date of the decision"
)
INFORMED_ON_AT_COMMISSIONING = kernel.DateAnswer(
    "informed_on",
    "date the Panel, Ofsted and DfE were informed",
    after="the date of the decision",
    required=False,
)
NEXT_STEP_DECIDED_ON = kernel.DateAnswer(
    "decided_on", "date of the decision", after="the date the rapid review was completed"
)
INFORMED_ON = kernel.DateAnswer(
    "informed_on",
    "date the Panel, Ofsted and DfE were informed",
    after="the date of the decision to hold a local review",
)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _recommended(case) -> str:

    review = getattr(case, "rapid_review", None)
    return review.recommendation if review else ""


def _differs_problem(case, chosen: str, rationale: str, problems: dict) -> None:
    """A step other than the rapid review's recommendation needs its reason written down."""

    recommended = _recommended(case)
    if recommended and recommended != chosen and not (rationale or "").strip():
        problems["rationale"] = (
            f"The rapid review recommended {_lower_first(NextStep(recommended).label)}: "
            "enter why the case takes a different route"
        )


def commission_problems(
    case,
    *,
    decided_on: date | None,
    reviewer_name: str,
    reviewer_organisation: str,
    commissioned_on: date | None,
    informed_on: date | None,
    rationale: str,
    today: date,
) -> dict:
    """What is wrong with commissioning a local review: the dates in order after the
    rapid review, the reviewer, and a reason when the rapid review recommended otherwise."""
    review = getattr(case, "rapid_review", None)
    problems = LOCAL_REVIEW_DECIDED_ON.problems(
        decided_on, today=today, earliest=review.completed_on if review else None
    )
    if not (reviewer_name or "").strip():
        problems["reviewer_name"] = "Enter the reviewer’s name"
    if not (reviewer_organisation or "").strip():
        problems["reviewer_organisation"] = "Enter the reviewer’s organisation"
    problems.update(COMMISSIONED_ON.problems(commissioned_on, today=today, earliest=decided_on))
    problems.update(INFORMED_ON_AT_COMMISSIONING.problems(informed_on, today=today, earliest=decided_on))
    _differs_problem(case, NextStep.LOCAL_REVIEW, rationale, problems)
    return problems


@transaction.atomic
def case_commission_local_review(
    *,
    referral,
    decided_on: date,
    reviewer_name: str,
    reviewer_organisation: str,
    commissioned_on: date,
    informed_on: date | None = None,
    rationale: str = "",
    by,
    now=None,
):
    """Commission a local child safeguarding practice review (LCSPR).

    Chair or coordinator. Writes the LocalReview; opens "inform the Panel, Ofsted and
    DfE, with the reviewer's name" and "complete the local review" (6 months) from the
    decision date, meeting the first at once if the date they were informed is given;
    tells the QA service leader (who informs them), the coordinator, chair, the LA
    directors and the referrer.
    """

    now = now or timezone.now()
    case = kernel.case_lock(referral)
    kernel.case_check_move(case, Move.COMMISSION_LOCAL_REVIEW, by)
    kernel.raise_problems(
        commission_problems(
            case,
            decided_on=decided_on,
            reviewer_name=reviewer_name,
            reviewer_organisation=reviewer_organisation,
            commissioned_on=commissioned_on,
            informed_on=informed_on,
            rationale=rationale,
            today=timezone.localdate(now),
        )
    )
    local = LocalReview.objects.create(
        referral=case,
        decided_on=decided_on,
        reviewer_name=reviewer_name.strip(),
        reviewer_organisation=reviewer_organisation.strip(),
        commissioned_on=commissioned_on,
        informed_on=informed_on,
        commissioned_by=by,
    )
    kernel.case_move(
        case,
        Move.COMMISSION_LOCAL_REVIEW,
        by=by,
        now=now,
        reason=(rationale or "").strip(),
        details={
            "decided_on": decided_on.isoformat(),
            "commissioned_on": commissioned_on.isoformat(),
            "informed_on": informed_on.isoformat() if informed_on else None,
        },
    )
    inform = deadline_open(referral=case, rule_code=INFORM, anchor=decided_on, by=by, now=now)
    deadline_open(referral=case, rule_code="complete_local_review", anchor=decided_on, by=by, now=now)
    if informed_on:
        deadline_met_on(case, INFORM, informed_on, by=by, now=now)
    # Once the Panel, Ofsted and DfE have been told, nothing more is owed on this notice.
    action = "" if informed_on else None
    due = None if informed_on or inform is None else inform.due_date
    case_tell(case, notices.LOCAL_REVIEW_COMMISSIONED, now=now, due_date=due, action=action)
    return local


def informed_problems(local: LocalReview | None, *, informed_on: date | None, today: date) -> dict:
    problems = INFORMED_ON.problems(informed_on, today=today, earliest=local.decided_on if local else None)
    return problems


@transaction.atomic
def local_review_record_informed(*, referral, informed_on: date, by, now=None):
    """Record the date the Panel, Ofsted and DfE were told of the local review. Meets that deadline."""

    now = now or timezone.now()
    case = kernel.case_lock(referral)
    kernel.case_check_record(
        case,
        by,
        allowed=S.local_review_states,
        what="record when the Panel, Ofsted and DfE were informed",
    )
    local = LocalReview.objects.select_for_update().get(referral=case)
    kernel.raise_problems(informed_problems(local, informed_on=informed_on, today=timezone.localdate(now)))
    summary = f"National Panel, Ofsted and DfE informed of the local review on {long_date(informed_on)}"
    action = AuditAction.PANEL_OFSTED_DFE_INFORMED
    return case_date_record(
        case, local, "informed_on", informed_on, by=by, now=now, action=action, summary=summary, meets=INFORM
    )


# Why each next step without a local review is taken, when it is missing.
NATIONAL_REVIEW_RATIONALE = "Enter why the case goes to a national review"
NO_FURTHER_REVIEW_RATIONALE = "Enter why there will be no further review"


def next_step_problems(case, *, decided_on: date | None, rationale: str, missing: str, today: date) -> dict:
    """What is wrong with a national review or no further review: its date (after the
    rapid review was completed) and its rationale (`missing` says which is wanted)."""
    review = getattr(case, "rapid_review", None)
    problems = NEXT_STEP_DECIDED_ON.problems(
        decided_on, today=today, earliest=review.completed_on if review else None
    )
    if not (rationale or "").strip():
        problems["rationale"] = missing
    return problems


def _next_step_move(referral, move: Move, *, decided_on, rationale: str, missing: str, by, now, details=None):
    """Lock, check and make a next step that needs a dated rationale (a national review,
    or no further review); `details(case)` adds what that move records. Returns the
    locked case, the transition row and those details."""
    case = kernel.case_lock(referral)
    kernel.case_check_move(case, move, by)
    today = timezone.localdate(now)
    kernel.raise_problems(
        next_step_problems(case, decided_on=decided_on, rationale=rationale, missing=missing, today=today)
    )
    extra = details(case) if details else {}
    row = kernel.case_move(
        case,
        move,
        by=by,
        now=now,
        reason=rationale.strip(),
        details={"decided_on": decided_on.isoformat(), **extra},
    )
    return case, row, extra


@transaction.atomic
def case_refer_to_national_review(
    *, referral, decided_on: date, rationale: str, by, now=None
) -> CaseTransition:
    """Record that the National Panel leads a national review of the case (§9).

    From the next-step decision, or during a local review when new information shows a
    national review may be appropriate; the local review's open deadlines are then
    waived. Chair or coordinator; needs the rationale.
    """
    now = now or timezone.now()

    def details(case):
        return {
            "during_local_review": case.status in (S.LCSPR_COMMISSIONED, S.LCSPR_IN_PROGRESS),
            "recommended": _recommended(case) == NextStep.NATIONAL_REVIEW,
        }

    case, row, extra = _next_step_move(
        referral,
        Move.REFER_TO_NATIONAL_REVIEW,
        decided_on=decided_on,
        rationale=rationale,
        missing=NATIONAL_REVIEW_RATIONALE,
        by=by,
        now=now,
        details=details,
    )
    if extra["during_local_review"]:
        deadlines_waive_open(
            case,
            [INFORM, "complete_local_review"],
            reason="The National Panel leads a national review instead of the local review",
            by=by,
            now=now,
        )
    case_tell(case, notices.NATIONAL_REVIEW, now=now)
    return row


@transaction.atomic
def case_decide_no_further_review(
    *, referral, decided_on: date, rationale: str, by, now=None
) -> CaseTransition:
    """Record that, after the rapid review, there will be no local or national review."""
    now = now or timezone.now()
    case, row, _extra = _next_step_move(
        referral,
        Move.DECIDE_NO_FURTHER_REVIEW,
        decided_on=decided_on,
        rationale=rationale,
        missing=NO_FURTHER_REVIEW_RATIONALE,
        by=by,
        now=now,
    )
    case_tell(case, notices.NO_FURTHER_REVIEW, now=now)
    return row
