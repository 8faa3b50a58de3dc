"""Why a move is refused in the case's current state, in words a person can act on.

Decided from the graph (lifecycle.graph): whether the case can still reach the move, has
had it made, or went another way.
"""

from .graph import reachable_avoiding, reachable_from, sources_of, target_of, verb_of
from .moves import Move
from .states import CaseStatus

S = CaseStatus
M = Move

# Per transition: why it cannot happen yet, and why it can happen no more.
TOO_EARLY = {
    M.DECIDE_RAPID_REVIEW: "A decision cannot be recorded until the referral has been submitted",
    M.DECIDE_NO_REVIEW: "A decision cannot be recorded until the referral has been submitted",
    M.DECIDE_OTHER_LEARNING_REVIEW: "A decision cannot be recorded until the referral has been submitted",
    M.WITHDRAW: "A draft is withdrawn by the person writing it, from their draft",
    M.LINK_AS_DUPLICATE: "A referral can be linked to another case only once it has been submitted",
    M.START_RAPID_REVIEW: "A rapid review cannot start until the subgroup has decided to hold one",
    M.COMPLETE_RAPID_REVIEW: "A rapid review cannot be completed before it has started",
    M.SEND_TO_PANEL: "The rapid review must be completed before it is sent to the National Panel",
    M.COMMISSION_LOCAL_REVIEW: "A local review can be commissioned only after the rapid review has been sent "
    "to the National Panel",
    M.REFER_TO_NATIONAL_REVIEW: "A national review can be recorded only after the rapid review has been sent "
    "to the National Panel",
    M.DECIDE_NO_FURTHER_REVIEW: "The next step can be recorded only after the rapid review has been sent "
    "to the National Panel",
    M.START_LOCAL_REVIEW: "A local review cannot start before it has been commissioned",
    M.RECEIVE_FINAL_REPORT: "The final report cannot be recorded before the local review has started",
    M.PUBLISH_REPORT: "Publication can be recorded only after the final report has been received",
    M.PUBLISH_IMPROVEMENTS_ONLY: "Publication can be recorded only after the final report has been received",
    M.CLOSE: "The case cannot be closed yet: its review has not finished",
    M.SUBMIT: "Only a draft can be submitted",
    M.WITHDRAW_DRAFT: "Only a draft can be withdrawn by its author",
}
TOO_LATE = {
    M.DECIDE_RAPID_REVIEW: "The subgroup decision has already been recorded",
    M.DECIDE_NO_REVIEW: "The subgroup decision has already been recorded",
    M.DECIDE_OTHER_LEARNING_REVIEW: "The subgroup decision has already been recorded",
    M.WITHDRAW: "The referral can no longer be withdrawn: the subgroup decision has been recorded",
    M.LINK_AS_DUPLICATE: "The referral can no longer be linked as a duplicate: the subgroup decision has "
    "been recorded",
    M.START_RAPID_REVIEW: "The rapid review has already started",
    M.COMPLETE_RAPID_REVIEW: "The rapid review has already been completed",
    M.SEND_TO_PANEL: "The rapid review has already been sent to the National Panel",
    M.COMMISSION_LOCAL_REVIEW: "The next step after the rapid review has already been recorded",
    M.REFER_TO_NATIONAL_REVIEW: "A national review can no longer be recorded for this case",
    M.DECIDE_NO_FURTHER_REVIEW: "The next step after the rapid review has already been recorded",
    M.START_LOCAL_REVIEW: "The local review has already started",
    M.RECEIVE_FINAL_REPORT: "The final report has already been received",
    M.PUBLISH_REPORT: "The publication has already been recorded",
    M.PUBLISH_IMPROVEMENTS_ONLY: "The publication has already been recorded",
    M.CLOSE: "The case is already closed",
    M.SUBMIT: "This referral has already been submitted",
    M.WITHDRAW_DRAFT: "This referral has already been submitted",
}
ALREADY = {
    M.REFER_TO_NATIONAL_REVIEW: "The National Panel’s national review has already been recorded",
}
# What each of CaseStatus.ended_states says, whatever was asked of the case.
ENDED = {
    S.CLOSED: "This case is closed",
    S.WITHDRAWN: "This referral has been withdrawn",
    S.DUPLICATE: "This referral is linked to another case as a duplicate: work on that case instead",
}


# Moves that are one of several answers to the same question (which decision, which next
# step, how to publish): once another answer has been recorded, this one "has already
# been" answered too.
ANSWERED_BY_ANOTHER_MOVE = {
    M.DECIDE_RAPID_REVIEW,
    M.DECIDE_NO_REVIEW,
    M.DECIDE_OTHER_LEARNING_REVIEW,
    M.WITHDRAW,
    M.LINK_AS_DUPLICATE,
    M.COMMISSION_LOCAL_REVIEW,
    M.REFER_TO_NATIONAL_REVIEW,
    M.DECIDE_NO_FURTHER_REVIEW,
    M.PUBLISH_REPORT,
    M.PUBLISH_IMPROVEMENTS_ONLY,
    M.SUBMIT,
    M.WITHDRAW_DRAFT,
}


def refusal_message(name: Move, status: str) -> str:
    """Why transition `name` cannot be made from `status`, in words a person can act on.

    Decided from the graph: a case that can still reach the move's source is too early;
    a case only reachable through the move has had it made already; a case that went (or
    may have gone) another way from the move's source can no longer have it; anything
    else is on a different route. The last two say the case's status.
    """
    target = target_of(name)
    label = CaseStatus(status).label
    if status == target:
        return ALREADY.get(name) or ENDED.get(status) or TOO_LATE.get(name, "This has already been done")
    if status in ENDED:
        return ENDED[status]
    sources = sources_of(name)
    if sources & reachable_from(status):
        return TOO_EARLY.get(name, f"You cannot {verb_of(name)} yet")
    other_way = any(status in reachable_avoiding(source, name) for source in sources)
    if status in reachable_from(target) and not other_way:
        return TOO_LATE.get(name, f"You can no longer {verb_of(name)}")
    if other_way:
        if name in ANSWERED_BY_ANOTHER_MOVE:
            return TOO_LATE.get(name, f"You can no longer {verb_of(name)}")
        return f"You can no longer {verb_of(name)}: the case’s status is “{label}”"
    return f"You cannot {verb_of(name)}: the case’s status is “{label}”"
