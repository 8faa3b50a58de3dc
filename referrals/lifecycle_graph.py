"""The case lifecycle read as a graph: its edges, what can follow what, and why a move
is refused in the case's current state.

The graph is read from the transitions declared on Referral, so the diagram, the
refusal messages and the tests follow the model when it changes.
"""

from dataclasses import dataclass, field
from functools import cache

from .states import CaseStatus

S = CaseStatus


@dataclass(frozen=True)
class Edge:
    name: str
    source: str
    target: str
    label: str
    permission: object = field(compare=False, repr=False)


@cache
def edges() -> tuple[Edge, ...]:
    """Every (transition, source, target) of the status field, in a stable order."""
    from .models import Referral

    found = []
    for t in Referral._meta.get_field("status").get_all_transitions(Referral):
        label = t.custom.get("label") or t.name.replace("_", " ")
        found.append(Edge(t.name, str(t.source), str(t.target), label, t.permission))
    order = {state.value: i for i, state in enumerate(CaseStatus)}
    return tuple(sorted(found, key=lambda e: (order.get(e.source, 99), order.get(e.target, 99), e.name)))


@cache
def transition_names() -> tuple[str, ...]:
    return tuple(dict.fromkeys(e.name for e in edges()))


@cache
def sources_of(name: str) -> frozenset[str]:
    return frozenset(e.source for e in edges() if e.name == name)


@cache
def target_of(name: str) -> str:
    return next(e.target for e in edges() if e.name == name)


@cache
def reachable_from(state: str) -> frozenset[str]:
    """The states a case in `state` can still reach, not counting `state` itself."""
    seen: set[str] = set()
    frontier = [state]
    while frontier:
        current = frontier.pop()
        for edge in edges():
            if edge.source == current and edge.target not in seen:
                seen.add(edge.target)
                frontier.append(edge.target)
    seen.discard(state)
    return frozenset(seen)


@cache
def reachable_avoiding(state: str, name: str) -> frozenset[str]:
    """The states reachable from `state` without making transition `name`."""
    seen: set[str] = set()
    frontier = [state]
    while frontier:
        current = frontier.pop()
        for edge in edges():
            if edge.source == current and edge.name != name and edge.target not in seen:
                seen.add(edge.target)
                frontier.append(edge.target)
    seen.discard(state)
    return frozenset(seen)


# Per transition: why it cannot happen yet, and why it can happen no more.
TOO_EARLY = {
    "decide_rapid_review": "A decision cannot be recorded until the referral has been submitted",
    "decide_no_review": "A decision cannot be recorded until the referral has been submitted",
    "decide_other_learning_review": "A decision cannot be recorded until the referral has been submitted",
    "withdraw": "A draft is withdrawn by the person writing it, from their draft",
    "link_as_duplicate": "A referral can be linked to another case only once it has been submitted",
    "start_rapid_review": "A rapid review cannot start until the subgroup has decided to hold one",
    "complete_rapid_review": "A rapid review cannot be completed before it has started",
    "send_to_panel": "The rapid review must be completed before it is sent to the National Panel",
    "commission_local_review": "A local review can be commissioned only after the rapid review has been sent "
    "to the National Panel",
    "refer_to_national_review": "A national review can be recorded only after the rapid review has been sent "
    "to the National Panel",
    "decide_no_further_review": "The next step can be recorded only after the rapid review has been sent "
    "to the National Panel",
    "start_local_review": "A local review cannot start before it has been commissioned",
    "receive_final_report": "The final report cannot be recorded before the local review has started",
    "publish_report": "Publication can be recorded only after the final report has been received",
    "publish_improvements_only": "Publication can be recorded only after the final report has been received",
    "close": "The case cannot be closed yet: its review has not finished",
    "submit": "Only a draft can be submitted",
    "withdraw_draft": "Only a draft can be withdrawn by its author",
}
TOO_LATE = {
    "decide_rapid_review": "The subgroup decision has already been recorded",
    "decide_no_review": "The subgroup decision has already been recorded",
    "decide_other_learning_review": "The subgroup decision has already been recorded",
    "withdraw": "The referral can no longer be withdrawn: the subgroup decision has been recorded",
    "link_as_duplicate": "The referral can no longer be linked as a duplicate: the subgroup decision has "
    "been recorded",
    "start_rapid_review": "The rapid review has already started",
    "complete_rapid_review": "The rapid review has already been completed",
    "send_to_panel": "The rapid review has already been sent to the National Panel",
    "commission_local_review": "The next step after the rapid review has already been recorded",
    "refer_to_national_review": "A national review can no longer be recorded for this case",
    "decide_no_further_review": "The next step after the rapid review has already been recorded",
    "start_local_review": "The local review has already started",
    "receive_final_report": "The final report has already been received",
    "publish_report": "The publication has already been recorded",
    "publish_improvements_only": "The publication has already been recorded",
    "close": "The case is already closed",
    "submit": "This referral has already been submitted",
    "withdraw_draft": "This referral has already been submitted",
}
ALREADY = {
    "refer_to_national_review": "The National Panel’s national review has already been recorded",
}
# States that end a referral's own route whatever was asked of it.
ENDED = {
    S.CLOSED: "This case is closed",
    S.WITHDRAWN: "This referral has been withdrawn",
    S.DUPLICATE: "This referral is linked to another case as a duplicate: work on that case instead",
}


def verb_of(name: str) -> str:
    from .models import Referral

    for t in Referral._meta.get_field("status").get_all_transitions(Referral):
        if t.name == name:
            return t.custom.get("verb") or name.replace("_", " ")
    raise KeyError(name)


# Moves that are one of several answers to the same question (which decision, which next
# step, how to publish): once another answer has been recorded, this one "has already
# been" answered too.
ANSWERED_BY_ANOTHER_MOVE = {
    "decide_rapid_review",
    "decide_no_review",
    "decide_other_learning_review",
    "withdraw",
    "link_as_duplicate",
    "commission_local_review",
    "refer_to_national_review",
    "decide_no_further_review",
    "publish_report",
    "publish_improvements_only",
    "submit",
    "withdraw_draft",
}


def refusal_message(name: str, status: str) -> str:
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
