"""The Move enum names each transition once: it equals the machine's transitions, and every
move has its audit action."""

from cspr.audit.models import AuditAction
from referrals.lifecycle.graph import transition_names
from referrals.lifecycle.moves import Move, transition_of
from referrals.models import Referral


def test_moves_are_exactly_the_transitions_the_model_declares():
    declared = {t.name for t in Referral._meta.get_field("status").get_all_transitions(Referral)}
    assert {move.value for move in Move} == declared


def test_the_graph_reads_the_same_transitions_as_the_model():
    assert set(transition_names()) == set(Move)


def test_every_move_has_its_audit_action():
    authors = {
        Move.SUBMIT: AuditAction.REFERRAL_SUBMITTED,
        Move.WITHDRAW_DRAFT: AuditAction.REFERRAL_DRAFT_WITHDRAWN,
    }
    expected = {move: authors.get(move) or AuditAction(f"case.{move}") for move in Move}
    assert {move: AuditAction.for_move(move) for move in Move} == expected


def test_transition_of_gives_the_cases_own_transition_method():
    case = Referral()
    assert transition_of(case, Move.CLOSE) == case.close
    assert transition_of(case, "submit") == case.submit
