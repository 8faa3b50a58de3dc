"""The transitions as declared on the model: each with an explicit permission, built from
the role predicates."""

from referrals.lifecycle.graph import edges, transition_names
from referrals.lifecycle.transitions import CHAIR_DECIDES, CHAIR_OR_COORDINATOR
from referrals.models import Referral


def test_every_transition_has_an_explicit_permission():
    transitions = list(Referral._meta.get_field("status").get_all_transitions(Referral))
    assert transitions, "the status field declares no transitions"
    missing = sorted({t.name for t in transitions if t.permission is None})
    assert missing == []


def test_lifecycle_transitions_use_the_role_permissions():
    by_name = {edge.name: edge.permission for edge in edges()}
    decisions = {"decide_rapid_review", "decide_no_review", "decide_other_learning_review"}
    assert {name for name, perm in by_name.items() if perm is CHAIR_DECIDES} == decisions
    drive = {name for name, perm in by_name.items() if perm is CHAIR_OR_COORDINATOR}
    assert drive == set(transition_names()) - decisions - {"submit", "withdraw_draft"}
