"""The case lifecycle as declared on the model: explicit permissions, a graph every case can
get through, the refusal messages, and the committed diagram."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from referrals.lifecycle.diagram import render_svg
from referrals.lifecycle.graph import edges, reachable_from, transition_names
from referrals.lifecycle.refusals import refusal_message
from referrals.lifecycle.states import CaseStatus
from referrals.lifecycle.transitions import CHAIR_DECIDES, CHAIR_OR_COORDINATOR
from referrals.models import Referral

S = CaseStatus
DIAGRAM = Path(settings.BASE_DIR) / "docs" / "case-lifecycle.svg"


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


def test_every_state_is_reachable_from_draft():
    assert reachable_from(S.DRAFT) == frozenset(s.value for s in S) - {S.DRAFT}


def test_every_state_but_the_ends_has_a_way_out():
    with_exit = {edge.source for edge in edges()}
    assert set(S.values) - with_exit == {S.CLOSED, S.WITHDRAWN, S.DUPLICATE}


def test_the_graph_has_no_cycle():
    assert all(state not in reachable_from(state) for state in S.values)


@pytest.mark.parametrize(
    ("name", "status", "message"),
    [
        (
            "complete_rapid_review",
            S.RAPID_REVIEW_AGREED,
            "A rapid review cannot be completed before it has started",
        ),
        ("complete_rapid_review", S.SENT_TO_PANEL, "The rapid review has already been completed"),
        (
            "start_rapid_review",
            S.SUBMITTED,
            "A rapid review cannot start until the subgroup has decided to hold one",
        ),
        ("decide_rapid_review", S.NO_REVIEW, "The subgroup decision has already been recorded"),
        ("decide_no_review", S.DRAFT, "A decision cannot be recorded until the referral has been submitted"),
        ("withdraw", S.WITHDRAWN, "This referral has been withdrawn"),
        ("start_rapid_review", S.CLOSED, "This case is closed"),
        ("close", S.CLOSED, "This case is closed"),
        ("close", S.RAPID_REVIEW_IN_PROGRESS, "The case cannot be closed yet: its review has not finished"),
        (
            "complete_rapid_review",
            S.NO_REVIEW,
            "You cannot complete the rapid review: the case’s status is “No review”",
        ),
        (
            "refer_to_national_review",
            S.NATIONAL_REVIEW,
            "The National Panel’s national review has already been recorded",
        ),
        (
            "receive_final_report",
            S.NATIONAL_REVIEW,
            "You can no longer record the final report: the case’s status is “National review (Panel leads)”",
        ),
    ],
)
def test_refusal_message_says_why_in_words(name, status, message):
    assert refusal_message(name, status) == message


def test_committed_diagram_matches_a_fresh_drawing():
    assert DIAGRAM.read_text(encoding="utf-8") == render_svg(), (
        "docs/case-lifecycle.svg is stale: run `python manage.py lifecycle_diagram` and commit it"
    )


def test_diagram_command_check_fails_on_a_stale_file(tmp_path):
    stale = tmp_path / "lifecycle.svg"
    stale.write_text("<svg/>", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        call_command("lifecycle_diagram", output=str(stale), check=True)
    assert exit_info.value.code == 1
    call_command("lifecycle_diagram", output=str(stale))
    assert stale.read_text(encoding="utf-8") == render_svg()


def test_diagram_draws_every_state_and_transition():
    svg = render_svg()
    for state in S:
        assert f'id="state-{state.value}"' in svg
    for name in transition_names():
        assert f"<title>{name}</title>" in svg
