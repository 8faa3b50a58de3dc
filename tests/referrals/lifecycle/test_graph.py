"""The case lifecycle read from the model as a graph: every case can get through it, and
it ends."""

from referrals.lifecycle.graph import edges, reachable_from
from referrals.lifecycle.states import CaseStatus

S = CaseStatus


def test_graph_reaches_every_state_from_draft():
    assert reachable_from(S.DRAFT) == frozenset(s.value for s in S) - {S.DRAFT}


def test_graph_has_a_way_out_of_every_state_but_the_ends():
    with_exit = {edge.source for edge in edges()}
    assert set(S.values) - with_exit == {S.CLOSED, S.WITHDRAWN, S.DUPLICATE}


def test_graph_has_no_cycle():
    assert all(state not in reachable_from(state) for state in S.values)
