"""The whole graph, table-driven: from every state, every move the graph allows succeeds
through its service, and every other move is refused with its message, writing nothing.
The author's own moves on a draft (submit, withdraw) are checked from every state too.
Every move tells someone, and a whole route is logged and audited, without a child's
details."""

import pytest

from cspr.audit.models import AuditEvent
from cspr.notifications.models import Notification
from cspr.notifications.services import SAFE_CONTEXT_KEYS, notification_render
from referrals.lifecycle.graph import edges
from referrals.lifecycle.kernel import CaseActionError
from referrals.lifecycle.refusals import refusal_message
from referrals.lifecycle.states import CaseStatus
from referrals.models import CaseTransition
from referrals.services import ReferralError, referral_submit, referral_withdraw_draft

from ..referrals.factories import CHILD_ADDRESS, CHILD_NAME, SUMMARY
from .helpers import STEPS, case_in

pytestmark = pytest.mark.django_db

S = CaseStatus
LIFECYCLE_EDGES = [edge for edge in edges() if edge.name in STEPS]
ALLOWED = {(edge.source, edge.name): edge.target for edge in LIFECYCLE_EDGES}


def test_every_lifecycle_transition_has_a_step():
    names = {edge.name for edge in edges()} - {"submit", "withdraw_draft"}
    assert names == set(STEPS)


@pytest.mark.parametrize(
    ("state", "name", "target"),
    [(edge.source, edge.name, edge.target) for edge in LIFECYCLE_EDGES],
    ids=[f"{edge.source}-{edge.name}" for edge in LIFECYCLE_EDGES],
)
def test_allowed_transition_moves_the_case_and_logs_it(state, name, target, chair, practitioner, contacts):
    case = case_in(state, author=practitioner, by=chair)
    before = CaseTransition.objects.filter(referral=case).count()

    STEPS[name](case, chair)

    case.refresh_from_db()
    assert case.status == target
    row = CaseTransition.objects.filter(referral=case).latest("at", "id")
    assert (row.name, row.from_status, row.to_status, row.by) == (name, state, target, chair)
    assert CaseTransition.objects.filter(referral=case).count() == before + 1
    assert AuditEvent.objects.for_object(case).filter(action=f"case.{name}").count() == 1


@pytest.mark.parametrize("state", [s.value for s in S])
def test_every_other_move_is_refused_with_its_message_and_writes_nothing(
    state, chair, practitioner, contacts
):
    case = case_in(state, author=practitioner, by=chair)
    refused = sorted({edge.name for edge in LIFECYCLE_EDGES if (state, edge.name) not in ALLOWED})
    assert refused, "every state refuses some moves"

    def written():
        return (
            CaseTransition.objects.filter(referral=case).count(),
            AuditEvent.objects.for_object(case).count(),
            Notification.objects.filter(case_reference=case.reference or "-").count(),
        )

    before = written()
    outcomes = {}
    for name in refused:
        with pytest.raises(CaseActionError) as error:
            STEPS[name](case, chair)
        outcomes[name] = error.value.message
        case.refresh_from_db()
        assert case.status == state, name

    assert outcomes == {name: refusal_message(name, state) for name in refused}
    assert all(message.strip() for message in outcomes.values())
    assert written() == before


# The author's own moves on their draft, made by the referrals services: the rest of the graph.
AUTHOR_STEPS = {
    "submit": lambda case, by: referral_submit(referral=case, by=by),
    "withdraw_draft": lambda case, by: referral_withdraw_draft(referral=case, by=by),
}
AUTHOR_EDGES = {(edge.source, edge.name): edge.target for edge in edges() if edge.name in AUTHOR_STEPS}


def test_graph_is_the_lifecycle_and_the_authors_moves():
    assert {edge.name for edge in edges()} == set(STEPS) | set(AUTHOR_STEPS)


@pytest.mark.parametrize(
    ("state", "name"), [(s.value, name) for s in S for name in AUTHOR_STEPS], ids=lambda value: str(value)
)
def test_authors_moves_are_open_only_on_their_draft(state, name, chair, practitioner, contacts):
    case = case_in(state, author=practitioner, by=chair)

    if (state, name) in AUTHOR_EDGES:
        AUTHOR_STEPS[name](case, practitioner)
        case.refresh_from_db()
        assert case.status == AUTHOR_EDGES[(state, name)]
        return
    with pytest.raises(ReferralError) as error:
        AUTHOR_STEPS[name](case, practitioner)
    assert error.value.messages and all(message.strip() for message in error.value.messages)
    case.refresh_from_db()
    assert case.status == state


@pytest.mark.parametrize("name", list(STEPS))
def test_every_move_tells_someone_besides_the_actor_and_carries_no_child_details(
    name, chair, practitioner, contacts
):
    from referrals.lifecycle.graph import edges

    source = next(edge.source for edge in edges() if edge.name == name)
    case = case_in(source, author=practitioner, by=chair)
    before = set(Notification.objects.filter(case_reference=case.reference).values_list("pk", flat=True))

    STEPS[name](case, chair)

    new = Notification.objects.filter(case_reference=case.reference).exclude(pk__in=before)
    assert {row.recipient_email for row in new} - {chair.email}, f"{name} told nobody but the actor"
    for row in new:
        assert set(row.context) <= SAFE_CONTEXT_KEYS
        subject, body = notification_render(row)
        for secret in (CHILD_NAME, CHILD_ADDRESS, SUMMARY, "Two agencies did not share information"):
            assert secret not in subject + body
        assert case.reference in subject


def test_local_review_route_is_logged_and_audited_without_child_details(chair, practitioner, contacts):
    case = case_in(S.PUBLISHED, author=practitioner, by=chair)
    STEPS["close"](case, chair)

    rows = list(CaseTransition.objects.filter(referral=case).values_list("from_status", "to_status"))
    assert rows == [
        (S.SUBMITTED, S.RAPID_REVIEW_AGREED),
        (S.RAPID_REVIEW_AGREED, S.RAPID_REVIEW_IN_PROGRESS),
        (S.RAPID_REVIEW_IN_PROGRESS, S.RAPID_REVIEW_COMPLETE),
        (S.RAPID_REVIEW_COMPLETE, S.SENT_TO_PANEL),
        (S.SENT_TO_PANEL, S.LCSPR_COMMISSIONED),
        (S.LCSPR_COMMISSIONED, S.LCSPR_IN_PROGRESS),
        (S.LCSPR_IN_PROGRESS, S.FINAL_REPORT_RECEIVED),
        (S.FINAL_REPORT_RECEIVED, S.PUBLISHED),
        (S.PUBLISHED, S.CLOSED),
    ]
    actions = list(AuditEvent.objects.for_object(case).values_list("action", flat=True))
    for name in (
        "decide_rapid_review",
        "start_rapid_review",
        "receive_final_report",
        "publish_report",
        "close",
    ):
        assert f"case.{name}" in actions
    assert "case.publication_planned" in actions and "case.final_report_sent" in actions
    for event in AuditEvent.objects.for_object(case):
        assert CHILD_NAME not in event.summary and CHILD_ADDRESS not in event.summary
