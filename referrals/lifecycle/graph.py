"""The case lifecycle read as a graph: its edges and what can follow what.

The graph is read from the transitions declared on the case (CaseLifecycleMixin, which
Referral takes them from), so the diagram, the refusal messages and the tests follow the
model when it changes.
"""

from dataclasses import dataclass, field
from functools import cache

from .moves import Move
from .states import CaseStatus
from .transitions import CaseLifecycleMixin

S = CaseStatus


@dataclass(frozen=True)
class Edge:
    name: Move
    source: str
    target: str
    label: str
    permission: object = field(compare=False, repr=False)


def _transitions():
    for method in vars(CaseLifecycleMixin).values():
        meta = getattr(method, "_django_fsm", None)
        if meta is not None:
            yield from meta.transitions.values()


@cache
def edges() -> tuple[Edge, ...]:
    """Every (transition, source, target) of the status field, in a stable order."""
    found = []
    for t in _transitions():
        label = t.custom.get("label") or t.name.replace("_", " ")
        found.append(Edge(Move(t.name), str(t.source), str(t.target), label, t.permission))
    order = {state.value: i for i, state in enumerate(CaseStatus)}
    return tuple(sorted(found, key=lambda e: (order.get(e.source, 99), order.get(e.target, 99), e.name)))


@cache
def transition_names() -> tuple[Move, ...]:
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


@cache
def verb_of(name: Move) -> str:
    """The move as a sentence needs it ("start the rapid review")."""
    for t in _transitions():
        if t.name == name:
            return t.custom.get("verb") or name.replace("_", " ")
    raise KeyError(name)
