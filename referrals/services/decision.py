"""The subgroup decision on a submitted referral (procedure §6, §7, §9), and when it was
communicated to the family and the referrer."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from cspr.audit.models import AuditAction
from cspr.audit.services import audit_record
from deadlines.services import deadline_open
from referrals.lifecycle import kernel
from referrals.lifecycle.moves import Move
from referrals.lifecycle.states import CaseStatus
from referrals.models import Referral, SubgroupDecision

from .case_deadlines import deadline_met_on
from .notify import DECISION, case_tell

DECISION_TRANSITIONS = {
    SubgroupDecision.Outcome.RAPID_REVIEW: Move.DECIDE_RAPID_REVIEW,
    SubgroupDecision.Outcome.NO_REVIEW: Move.DECIDE_NO_REVIEW,
    SubgroupDecision.Outcome.SINGLE_AGENCY_REVIEW: Move.DECIDE_OTHER_LEARNING_REVIEW,
    SubgroupDecision.Outcome.MULTI_AGENCY_REVIEW: Move.DECIDE_OTHER_LEARNING_REVIEW,
}
CRITERIA_FIELDS = [name for name, _label in SubgroupDecision.CRITERIA + SubgroupDecision.CIRCUMSTANCES]
# The dates asked for here: what messages call them, and what they may not come before.
DECIDED_ON = kernel.DateAnswer(
    "decided_on", "date of the decision", after="the date the referral was submitted"
)
FAMILY_INFORMED_ON = kernel.DateAnswer(
    "family_informed_on",
    "date the decision was communicated to the family",
    after="the date of the decision",
    required=False,
)
REFERRER_INFORMED_ON = kernel.DateAnswer(
    "referrer_informed_on",
    "date the decision was communicated to the referrer",
    after="the date of the decision",
    required=False,
)


def decision_problems(decision: SubgroupDecision, organisations, *, case: Referral, today: date) -> dict:
    problems: dict = {}
    if decision.outcome not in DECISION_TRANSITIONS:
        problems["outcome"] = "Select the subgroup’s decision"
    for name, label in SubgroupDecision.CRITERIA + SubgroupDecision.CIRCUMSTANCES:
        if getattr(decision, name) is None:
            problems[name] = f"Select yes or no for ‘{label}’"
    if not (decision.rationale or "").strip():
        problems["rationale"] = "The decision needs a rationale"
    submitted_on = timezone.localdate(case.submitted_at) if case.submitted_at else None
    problems.update(DECIDED_ON.problems(decision.decided_on, today=today, earliest=submitted_on))
    if decision.outcome == SubgroupDecision.Outcome.RAPID_REVIEW and not list(organisations):
        problems["organisations"] = "Select the organisations taking part in the rapid review"
    return {
        **problems,
        **_told_problems(decision, decision.family_informed_on, decision.referrer_informed_on, today),
    }


def _told_problems(decision, family_informed_on, referrer_informed_on, today) -> dict:
    """The days the family and the referrer were told: not in the future, not before the decision."""
    return {
        **FAMILY_INFORMED_ON.problems(family_informed_on, today=today, earliest=decision.decided_on),
        **REFERRER_INFORMED_ON.problems(referrer_informed_on, today=today, earliest=decision.decided_on),
    }


@transaction.atomic
def case_decide(*, referral, decision: SubgroupDecision, organisations=(), by, now=None) -> SubgroupDecision:
    """Record the subgroup decision on a submitted referral and move the case to its outcome.

    `decision` is an unsaved SubgroupDecision holding the answers. The chair only. Writes
    the decision, a transition row and an audit event; meets the "subgroup decision"
    deadline and, for a rapid review, opens "start the rapid review" from the decision
    date; tells the coordinator, the chair's and QA lead's contacts, the referrer and, for
    a rapid review, the safeguarding leads of the organisations taking part.
    """
    now = now or timezone.now()
    case = kernel.case_lock(referral)
    organisations = list(organisations)
    move = DECISION_TRANSITIONS.get(decision.outcome, Move.DECIDE_RAPID_REVIEW)
    kernel.case_check_move(case, move, by)
    kernel.raise_problems(
        decision_problems(decision, organisations, case=case, today=timezone.localdate(now))
    )
    decision.referral = case
    decision.rationale = decision.rationale.strip()
    decision.recorded_by = by
    decision.recorded_at = now
    decision.save()
    if decision.outcome == SubgroupDecision.Outcome.RAPID_REVIEW:
        decision.organisations.set(organisations)
    else:
        organisations = []
    kernel.case_move(
        case,
        move,
        by=by,
        now=now,
        reason=decision.rationale,
        details={
            "outcome": decision.outcome,
            "decided_on": decision.decided_on.isoformat(),
            "organisations": [org.pk for org in organisations],
            "criteria": {field: getattr(decision, field) for field in CRITERIA_FIELDS},
        },
        summary=f"Subgroup decision recorded: {decision.get_outcome_display()} "
        f"(decided {decision.decided_on.isoformat()})",
    )
    deadline_met_on(case, "subgroup_decision", decision.decided_on, by=by, now=now)
    due = None
    if decision.outcome == SubgroupDecision.Outcome.RAPID_REVIEW:
        deadline = deadline_open(
            referral=case, rule_code="rapid_review_start", anchor=decision.decided_on, by=by, now=now
        )
        due = deadline.due_date if deadline else None
    # Only a rapid review gives the partnership something to do next, by a date.
    action = None if due else ""
    outcome = decision.get_outcome_display().lower()
    case_tell(case, DECISION, now=now, due_date=due, agencies=organisations, action=action, outcome=outcome)
    return decision


def communication_problems(
    decision: SubgroupDecision, *, family_informed_on: date | None, referrer_informed_on: date | None, today
) -> dict:
    """What is wrong with the dates the decision was communicated on (at least one; not
    before the decision, not in the future)."""
    if family_informed_on is None and referrer_informed_on is None:
        return {"family_informed_on": "Enter at least one date"}
    return _told_problems(decision, family_informed_on, referrer_informed_on, today)


@transaction.atomic
def decision_record_communication(
    *, referral, family_informed_on: date | None, referrer_informed_on: date | None, by, now=None
) -> SubgroupDecision:
    """Record when the decision was communicated to the family and to the referrer.

    A date already recorded stays unless a new one is given. The chair or coordinator.
    """
    now = now or timezone.now()
    case = kernel.case_lock(referral)
    decision = SubgroupDecision.objects.select_for_update().filter(referral=case).first()
    if decision is None:
        raise kernel.CaseActionError("There is no subgroup decision to communicate yet")
    kernel.case_check_record(
        case,
        by,
        allowed=CaseStatus.after_decision_states,
        what="record when the decision was communicated",
    )
    kernel.raise_problems(
        communication_problems(
            decision,
            family_informed_on=family_informed_on,
            referrer_informed_on=referrer_informed_on,
            today=timezone.localdate(now),
        )
    )
    changed = []
    for field, day in (
        ("family_informed_on", family_informed_on),
        ("referrer_informed_on", referrer_informed_on),
    ):
        if day is not None and getattr(decision, field) != day:
            setattr(decision, field, day)
            changed.append(field)
    if changed:
        decision.save(update_fields=changed)
        audit_record(
            by,
            AuditAction.DECISION_COMMUNICATED,
            case,
            "Recorded when the decision was communicated: " + ", ".join(changed),
            now=now,
        )
    return decision
