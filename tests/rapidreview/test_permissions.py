"""Who may do what: the permission matrix per transition and role, at the service and at
the screens (role × view × own or other agency)."""

import uuid

import pytest
from django.urls import reverse

from rapidreview import services as review_services
from rapidreview.models import FinalReport, Recommendation
from referrals.lifecycle.graph import edges
from referrals.lifecycle.kernel import CaseActionError
from referrals.lifecycle.states import CaseStatus
from referrals.models import CaseTransition
from referrals.services import case_decide

from ..conftest import ROLES
from ..factories import AgencyFactory
from .factories import CaseFactory
from .helpers import STEPS, case_in, decision, submitted_case, today

pytestmark = pytest.mark.django_db

S = CaseStatus
DECISIONS = {"decide_rapid_review", "decide_no_review", "decide_other_learning_review"}
# One source state per lifecycle transition: where the matrix tries it.
FIRST_SOURCE = {}
for _edge in edges():
    if _edge.name in STEPS:
        FIRST_SOURCE.setdefault(_edge.name, _edge.source)


def expected_roles(name: str) -> set[str]:
    return {"chair"} if name in DECISIONS else {"chair", "coordinator", "administrator"}


# --- services -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "role"),
    [(name, role) for name in FIRST_SOURCE for role in sorted(expected_roles(name))],
)
def test_permitted_role_makes_the_transition(name, role, people, contacts):
    case = case_in(FIRST_SOURCE[name], author=people["practitioner"], by=people["chair"])

    STEPS[name](case, people[role])

    case.refresh_from_db()
    row = CaseTransition.objects.filter(referral=case).latest("at", "id")
    assert (row.name, row.by) == (name, people[role])


@pytest.mark.parametrize("name", list(FIRST_SOURCE))
def test_other_roles_are_refused_the_transition_with_a_reason(name, people, contacts):
    case = case_in(FIRST_SOURCE[name], author=people["practitioner"], by=people["chair"])
    refused = [role for role in ROLES if role not in expected_roles(name)]
    messages = {}
    for role in refused:
        with pytest.raises(CaseActionError) as error:
            STEPS[name](case, people[role])
        messages[role] = error.value.message
    expected = (
        "Only the subgroup chair can record the subgroup decision"
        if name in DECISIONS
        else "Only the subgroup chair or the partnership coordinator can do this"
    )
    assert messages == dict.fromkeys(refused, expected)
    case.refresh_from_db()
    assert case.status == FIRST_SOURCE[name]


@pytest.mark.parametrize("role", ROLES)
def test_notes_are_for_the_subgroup_and_coordinator(role, people, contacts):
    case = submitted_case(author=people["practitioner"])
    if role in {"chair", "member", "coordinator"}:
        note = review_services.case_note_add(
            referral=case, text="Police hold CCTV", token=uuid.uuid4(), by=people[role]
        )
        assert note.author == people[role]
    else:
        with pytest.raises(CaseActionError, match="Only the subgroup chair, its members and the coordinator"):
            review_services.case_note_add(referral=case, text="x", token=uuid.uuid4(), by=people[role])


@pytest.mark.parametrize("role", ROLES)
def test_records_without_a_move_need_the_chair_or_coordinator(role, people, contacts):
    case = case_in(S.LCSPR_COMMISSIONED, author=people["practitioner"], by=people["chair"])
    if role in {"chair", "coordinator", "administrator"}:
        local = review_services.involvement_record(
            referral=case,
            kind="practitioner",
            who="Health visitor",
            happened_on=today(),
            method="meeting",
            token=uuid.uuid4(),
            by=people[role],
        )
        assert local.recorded_by == people[role]
    else:
        with pytest.raises(CaseActionError, match="Only the subgroup chair or the partnership coordinator"):
            review_services.involvement_record(
                referral=case,
                kind="practitioner",
                who="Health visitor",
                happened_on=today(),
                method="meeting",
                token=uuid.uuid4(),
                by=people[role],
            )


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("chair", True),
        ("coordinator", True),
        ("agency_lead", True),
        ("other_lead", False),
        ("member", False),
        ("practitioner", False),
        ("administrator", False),
    ],
)
def test_recommendation_progress_is_for_named_agencies_chair_and_coordinator(
    role, allowed, people, contacts, agency
):
    case = case_in(S.FINAL_REPORT_RECEIVED, author=people["practitioner"], by=people["chair"])
    recommendation = review_services.recommendation_add(
        referral=case,
        required_action="Audit information sharing",
        agencies=[agency],
        due_on=today(),
        token=uuid.uuid4(),
        by=people["chair"],
    )
    if allowed:
        review_services.recommendation_update(
            recommendation=recommendation,
            status="in_progress",
            note="Audit planned",
            token=uuid.uuid4(),
            by=people[role],
        )
        recommendation.refresh_from_db()
        assert recommendation.status == Recommendation.Status.IN_PROGRESS
    else:
        with pytest.raises(CaseActionError, match="Only the chair, the coordinator or a safeguarding lead"):
            review_services.recommendation_update(
                recommendation=recommendation, status="done", note="x", token=uuid.uuid4(), by=people[role]
            )


# --- screens --------------------------------------------------------------------------


def _prepared(slug, people):
    """A case in which `slug` is on offer to the chair (and the coordinator where allowed)."""
    author, chair = people["practitioner"], people["chair"]
    if slug == "record-communication":
        case = submitted_case(author=author)
        case_decide(
            referral=case,
            decision=decision("no_review", family_informed_on=None, referrer_informed_on=None),
            by=chair,
        )
        return case
    if slug in {"plan-publication", "report-sent", "replace-final-report", "add-recommendation"}:
        case = case_in(S.LCSPR_IN_PROGRESS, author=author, by=chair)
        STEPS["receive_final_report"](case, chair)
        if slug == "report-sent":
            review_services.publication_plan(
                referral=case, planned_on=today().replace(year=today().year + 1), by=chair
            )
        return case
    state = {
        "decide": S.SUBMITTED,
        "link-duplicate": S.SUBMITTED,
        "withdraw": S.SUBMITTED,
        "add-note": S.SUBMITTED,
        "start-rapid-review": S.RAPID_REVIEW_AGREED,
        "complete-rapid-review": S.RAPID_REVIEW_IN_PROGRESS,
        "send-to-panel": S.RAPID_REVIEW_COMPLETE,
        "commission-local-review": S.SENT_TO_PANEL,
        "national-review": S.SENT_TO_PANEL,
        "no-further-review": S.SENT_TO_PANEL,
        "record-informed": S.LCSPR_COMMISSIONED,
        "start-local-review": S.LCSPR_COMMISSIONED,
        "log-involvement": S.LCSPR_IN_PROGRESS,
        "receive-final-report": S.LCSPR_IN_PROGRESS,
        "publish": S.FINAL_REPORT_RECEIVED,
        "close": S.NO_REVIEW,
    }[slug]
    return case_in(state, author=author, by=chair)


def _screen_expectations(slug):
    """role → status code for GET of the action page; 404 where the case is not theirs to see."""
    if slug == "decide":
        partnership = {"chair": 200, "coordinator": 403, "member": 403}
    elif slug == "add-note":
        partnership = {"chair": 200, "coordinator": 200, "member": 200}
    else:
        partnership = {"chair": 200, "coordinator": 200, "member": 403}
    return {
        **partnership,
        "practitioner": 403,  # their own referral: they see it, but may not act on it
        "other_practitioner": 404,
        "agency_lead": 403,  # their agency's referral
        "other_lead": 404,
        "administrator": 403,  # acts through admin
    }


ACTION_SLUGS = [
    "decide",
    "link-duplicate",
    "withdraw",
    "record-communication",
    "start-rapid-review",
    "complete-rapid-review",
    "send-to-panel",
    "commission-local-review",
    "national-review",
    "no-further-review",
    "record-informed",
    "start-local-review",
    "log-involvement",
    "receive-final-report",
    "replace-final-report",
    "add-recommendation",
    "plan-publication",
    "report-sent",
    "publish",
    "add-note",
    "close",
]


def test_matrix_covers_every_action():
    from rapidreview.actions import ACTIONS

    assert set(ACTION_SLUGS) == set(ACTIONS)


@pytest.mark.parametrize("slug", ACTION_SLUGS)
def test_action_page_matrix_by_role_and_agency(slug, people, contacts, client):
    case = _prepared(slug, people)
    url = reverse("rapidreview:case_action", args=[case.pk, slug])
    seen = {}
    for role in _screen_expectations(slug):
        client.force_login(people[role])
        seen[role] = client.get(url).status_code
    assert seen == _screen_expectations(slug)


@pytest.mark.parametrize("role", ["coordinator", "member", "practitioner", "agency_lead", "administrator"])
def test_refused_post_of_the_decision_writes_nothing(role, people, contacts, client):
    case = submitted_case(author=people["practitioner"])
    client.force_login(people[role])
    response = client.post(
        reverse("rapidreview:case_action", args=[case.pk, "decide"]),
        {
            "outcome": "no_review",
            "rationale": "Because",
            "decided_on_0": "1",
            "decided_on_1": "1",
            "decided_on_2": "2026",
        },
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == S.SUBMITTED
    assert not CaseTransition.objects.filter(referral=case).exists()


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("chair", 200),
        ("member", 200),
        ("coordinator", 200),
        ("administrator", 200),
        ("practitioner", 403),  # own referral: status and outcome only, not the report
        ("agency_lead", 403),
        ("other_practitioner", 404),
        ("other_lead", 404),
    ],
)
def test_report_download_matrix(role, expected, people, contacts, client):
    case = CaseFactory(status=S.FINAL_REPORT_RECEIVED, created_by=people["practitioner"], by=people["chair"])
    report = FinalReport.objects.get(referral=case)
    client.force_login(people[role])
    response = client.get(reverse("rapidreview:report_download", args=[report.pk]))
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "list_code", "update_code"),
    [
        ("chair", 200, 200),
        ("coordinator", 200, 200),
        ("member", 200, 403),
        ("agency_lead", 200, 200),  # the recommendation names their agency
        ("other_lead", 200, 404),  # sees their own agency's list; not this one
        ("practitioner", 403, 404),
        ("administrator", 403, 404),
    ],
)
def test_recommendation_screens_matrix(role, list_code, update_code, people, contacts, agency, client):
    case = case_in(S.FINAL_REPORT_RECEIVED, author=people["practitioner"], by=people["chair"])
    recommendation = review_services.recommendation_add(
        referral=case,
        required_action="Audit",
        agencies=[agency],
        due_on=today(),
        token=uuid.uuid4(),
        by=people["chair"],
    )
    client.force_login(people[role])
    assert client.get(reverse("rapidreview:recommendations")).status_code == list_code
    url = reverse("rapidreview:recommendation_update", args=[recommendation.pk])
    assert client.get(url).status_code == update_code


def test_agency_lead_lists_only_their_agencys_recommendations(people, contacts, agency, other_agency, client):
    case = case_in(S.FINAL_REPORT_RECEIVED, author=people["practitioner"], by=people["chair"])
    third = AgencyFactory(name="Example Academy Trust")
    for text, agencies in (
        ("For the council", [agency]),
        ("For the police", [other_agency]),
        ("Third", [third]),
    ):
        review_services.recommendation_add(
            referral=case,
            required_action=text,
            agencies=agencies,
            due_on=today(),
            token=uuid.uuid4(),
            by=people["chair"],
        )
    client.force_login(people["other_lead"])
    page = client.get(reverse("rapidreview:recommendations")).content.decode()
    assert "For the police" in page
    assert "For the council" not in page
    assert "Third" not in page


def test_case_page_hides_deliberations_from_the_referrer(people, contacts, client):
    case = CaseFactory(status=S.RAPID_REVIEW_COMPLETE, created_by=people["practitioner"], by=people["chair"])
    url = reverse("referrals:detail", args=[case.pk])

    client.force_login(people["member"])
    member_page = client.get(url).content.decode()
    client.force_login(people["practitioner"])
    author_page = client.get(url).content.decode()

    rationale = "Two agencies did not share information"
    assert rationale in member_page
    assert "Criteria and circumstances considered" in member_page
    assert rationale not in author_page
    assert "Criteria and circumstances considered" not in author_page
    assert "Chronology agreed by the agencies" not in author_page
    assert "Rapid review complete" in author_page  # the status and outcome are theirs to see
    assert "What you can do" not in author_page


@pytest.mark.parametrize(
    ("role", "before", "after"),
    [
        # The subgroup sees every recommendation from the start.
        ("member", {"For the council", "For the police"}, {"For the council", "For the police"}),
        # An agency lead sees what their agency must do, then all once the report is published.
        ("agency_lead", {"For the council"}, {"For the council", "For the police"}),
        # The referrer sees them once the full report is public.
        ("practitioner", set(), {"For the council", "For the police"}),
    ],
)
def test_recommendations_on_the_case_page_before_and_after_publication(
    role, before, after, people, contacts, agency, other_agency, client
):
    case = case_in(S.FINAL_REPORT_RECEIVED, author=people["practitioner"], by=people["chair"])
    for text, agencies in (("For the council", [agency]), ("For the police", [other_agency])):
        review_services.recommendation_add(
            referral=case,
            required_action=text,
            agencies=agencies,
            due_on=today(),
            token=uuid.uuid4(),
            by=people["chair"],
        )
    client.force_login(people[role])
    url = reverse("referrals:detail", args=[case.pk])

    def shown():
        return {rec.required_action for rec in client.get(url).context["recommendations"]}

    assert shown() == before
    STEPS["publish_report"](case, people["chair"])
    assert shown() == after


def test_improvements_only_publication_keeps_the_recommendations_from_the_referrer(
    people, contacts, agency, client
):
    case = case_in(S.FINAL_REPORT_RECEIVED, author=people["practitioner"], by=people["chair"])
    review_services.recommendation_add(
        referral=case,
        required_action="For the council",
        agencies=[agency],
        due_on=today(),
        token=uuid.uuid4(),
        by=people["chair"],
    )
    STEPS["publish_improvements_only"](case, people["chair"])
    client.force_login(people["practitioner"])

    page = client.get(reverse("referrals:detail", args=[case.pk])).content.decode()

    assert "For the council" not in page
    assert "Summary of the improvements for agencies." in page  # what was published
    assert "Publishing would identify a surviving sibling." not in page  # why not the full report
    assert "The subgroup’s discussions and its review work stay with the subgroup" in page
