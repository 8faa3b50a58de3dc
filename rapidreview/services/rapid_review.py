"""The rapid review (procedure §9): started within 5 working days of the decision to
hold it, completed within 15, then sent to the National Panel."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from deadlines.services import deadline_open
from referrals.lifecycle import kernel
from referrals.lifecycle.moves import Move
from referrals.lifecycle.states import CaseStatus
from referrals.services import case_tell, deadline_met_on

from ..models import (
    NextStep,
    RapidReview,
)
from . import notices

S = CaseStatus


# The dates asked for here: what messages call them, and what they may not come before.
RAPID_REVIEW_STARTED_ON = kernel.DateAnswer(
    "started_on", "date the rapid review started", after="the date of the decision to hold it"
)
RAPID_REVIEW_COMPLETED_ON = kernel.DateAnswer(
    "completed_on", "date the rapid review was completed", after="the date it started"
)
SENT_TO_PANEL_ON = kernel.DateAnswer(
    "sent_on", "date the rapid review was sent to the National Panel", after="the date it was completed"
)


def start_problems(case, *, started_on: date | None, organisations, today: date) -> dict:
    """What is wrong with the rapid review's start: its date (not before the decision to
    hold it) and the organisations taking part."""
    decision = getattr(case, "subgroup_decision", None)
    problems = RAPID_REVIEW_STARTED_ON.problems(
        started_on, today=today, earliest=decision.decided_on if decision else None
    )
    if not list(organisations or []):
        problems["organisations"] = "Select the organisations taking part in the rapid review"
    return problems


@transaction.atomic
def case_start_rapid_review(*, referral, started_on: date, organisations, by, now=None):
    """Start the rapid review the subgroup agreed to hold.

    Chair or coordinator. Writes the RapidReview; meets "start the rapid review" and
    opens "complete the rapid review" from the start date; tells the organisations'
    safeguarding leads, the coordinator, the chair and the referrer.
    """

    now = now or timezone.now()
    case = kernel.case_lock(referral)
    kernel.case_check_move(case, Move.START_RAPID_REVIEW, by)
    organisations = list(organisations)
    kernel.raise_problems(
        start_problems(
            case, started_on=started_on, organisations=organisations, today=timezone.localdate(now)
        )
    )
    review = RapidReview.objects.create(referral=case, started_on=started_on, started_by=by)
    review.organisations.set(organisations)
    kernel.case_move(
        case,
        Move.START_RAPID_REVIEW,
        by=by,
        now=now,
        details={"started_on": started_on.isoformat(), "organisations": [o.pk for o in organisations]},
    )
    deadline_met_on(case, "rapid_review_start", started_on, by=by, now=now)
    deadline = deadline_open(
        referral=case, rule_code="rapid_review_complete", anchor=started_on, by=by, now=now
    )
    due = deadline.due_date if deadline else None
    case_tell(case, notices.RAPID_REVIEW_STARTED, now=now, due_date=due, agencies=organisations)

    return review


def findings_problems(*, started_on: date | None, today: date, **findings) -> dict:
    problems: dict = {}
    required = {
        "facts_gathered": "Enter the facts gathered",
        "improvements_identified": "Enter the improvements identified, or say that none were",
        "learning_shared": "Enter how learning was shared with agencies",
        "recommendation_rationale": "The recommendation needs a rationale",
    }
    for field, message in required.items():
        if not (findings.get(field) or "").strip():
            problems[field] = message
    if findings.get("immediate_action_needed") is None:
        problems["immediate_action_needed"] = (
            "Select yes if immediate action was needed for children’s safety"
        )
    elif findings["immediate_action_needed"] and not (findings.get("immediate_action_taken") or "").strip():
        problems["immediate_action_taken"] = "Enter what was done for children’s safety"

    if findings.get("recommendation") not in NextStep.values:
        problems["recommendation"] = "Select the recommended next step"
    problems.update(
        RAPID_REVIEW_COMPLETED_ON.problems(findings.get("completed_on"), today=today, earliest=started_on)
    )
    return problems


@transaction.atomic
def case_complete_rapid_review(
    *,
    referral,
    completed_on: date,
    facts_gathered: str,
    immediate_action_needed: bool | None,
    immediate_action_taken: str,
    improvements_identified: str,
    learning_shared: str,
    recommendation: str,
    recommendation_rationale: str,
    by,
    now=None,
):
    """Record the rapid review's four aims and its recommendation, and complete it.

    Chair or coordinator. Meets "complete the rapid review", opens "send to the National
    Panel" from the completion date; tells the coordinator, chair, QA lead and referrer.
    """

    now = now or timezone.now()
    case = kernel.case_lock(referral)
    kernel.case_check_move(case, Move.COMPLETE_RAPID_REVIEW, by)
    review = RapidReview.objects.select_for_update().get(referral=case)
    findings = {
        "facts_gathered": facts_gathered,
        "immediate_action_needed": immediate_action_needed,
        "immediate_action_taken": immediate_action_taken if immediate_action_needed else "",
        "improvements_identified": improvements_identified,
        "learning_shared": learning_shared,
        "recommendation": recommendation,
        "recommendation_rationale": recommendation_rationale,
        "completed_on": completed_on,
    }
    kernel.raise_problems(
        findings_problems(started_on=review.started_on, today=timezone.localdate(now), **findings)
    )
    for field, value in findings.items():
        setattr(review, field, value.strip() if isinstance(value, str) else value)
    review.completed_by = by
    review.save()
    kernel.case_move(
        case,
        Move.COMPLETE_RAPID_REVIEW,
        by=by,
        now=now,
        reason=review.recommendation_rationale,
        details={
            "completed_on": completed_on.isoformat(),
            "recommendation": recommendation,
            "immediate_action_needed": immediate_action_needed,
        },
    )
    deadline_met_on(case, "rapid_review_complete", completed_on, by=by, now=now)
    deadline = deadline_open(
        referral=case, rule_code="send_rapid_review_to_panel", anchor=completed_on, by=by, now=now
    )
    case_tell(case, notices.RAPID_REVIEW_COMPLETED, now=now, due_date=deadline.due_date if deadline else None)
    return review


def sent_to_panel_problems(review: RapidReview | None, *, sent_on: date | None, today: date) -> dict:
    problems = SENT_TO_PANEL_ON.problems(
        sent_on, today=today, earliest=review.completed_on if review else None
    )
    return problems


@transaction.atomic
def case_send_to_panel(*, referral, sent_on: date, by, now=None):
    """Record that the rapid review went to the National Panel. Meets that deadline."""

    now = now or timezone.now()
    case = kernel.case_lock(referral)
    kernel.case_check_move(case, Move.SEND_TO_PANEL, by)
    review = RapidReview.objects.select_for_update().get(referral=case)
    kernel.raise_problems(sent_to_panel_problems(review, sent_on=sent_on, today=timezone.localdate(now)))
    review.sent_to_panel_on = sent_on
    review.sent_by = by
    review.save(update_fields=["sent_to_panel_on", "sent_by"])
    row = kernel.case_move(case, Move.SEND_TO_PANEL, by=by, now=now, details={"sent_on": sent_on.isoformat()})
    deadline_met_on(case, "send_rapid_review_to_panel", sent_on, by=by, now=now)
    case_tell(case, notices.SENT_TO_PANEL, now=now)
    return row
