"""The committed diagram of the lifecycle, drawn from the graph."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from referrals.lifecycle.diagram import render_svg
from referrals.lifecycle.graph import transition_names
from referrals.lifecycle.states import CaseStatus

S = CaseStatus
DIAGRAM = Path(settings.BASE_DIR) / "docs" / "case-lifecycle.svg"


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
