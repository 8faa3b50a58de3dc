"""Who may open or do what with a referral: every page × every kind of person × the
referral's state, own agency and another agency, read from one table per state.

Outcomes: a status code, `login` (sent to sign in), or `→name` (redirected to that page of
the same referral; `→mine` and `→edit` as named). A refused POST changes nothing; an
allowed read of a case page or PDF is audited, a refused one is not.
"""

import uuid

import pytest
from django.urls import reverse

from cspr.accounts.roles import Role
from cspr.audit.models import AuditAction, AuditEvent
from referrals.lifecycle.states import CaseStatus
from referrals.models import Referral
from referrals.services import referral_withdraw_draft

from .factories import SUMMARY, ReferralFactory

pytestmark = pytest.mark.django_db

WHO = [
    "author",
    "practitioner_same_agency",
    "practitioner_other_agency",
    "lead_own_agency",
    "lead_other_agency",
    "chair",
    "member",
    "coordinator",
    "administrator",
    "anonymous",
]

# Columns follow WHO. The referral is the author's, in the author's (own) agency.
SUBMITTED = """
detail        200       404  404  200  404  200  200  200  200  login
pdf           200       404  404  200  404  200  200  200  200  login
task_list     →detail   404  404  403  404  403  403  403  403  login
edit_get      →detail   404  404  403  404  403  403  403  403  login
edit_post     →detail   404  404  403  404  403  403  403  403  login
check         →detail   404  404  403  404  403  403  403  403  login
submit        →confirmation 404 404 403 404 403 403 403 403 login
withdraw_get  →detail   404  404  403  404  403  403  403  403  login
withdraw_post →detail   404  404  403  404  403  403  403  403  login
confirmation  200       404  404  403  404  403  403  403  403  login
"""

DRAFT = """
detail        →task_list 404 404  404  404  404  404  404  404  login
pdf           404       404  404  404  404  404  404  404  404  login
task_list     200       404  404  404  404  404  404  404  404  login
edit_get      200       404  404  404  404  404  404  404  404  login
edit_post     →task_list 404 404  404  404  404  404  404  404  login
check         200       404  404  404  404  404  404  404  404  login
submit        →confirmation 404 404 404 404 404 404 404 404 login
withdraw_get  200       404  404  404  404  404  404  404  404  login
withdraw_post →mine     404  404  404  404  404  404  404  404  login
confirmation  →task_list 404 404  404  404  404  404  404  404  login
"""

WITHDRAWN = """
detail        200       404  404  404  404  404  404  404  404  login
pdf           404       404  404  404  404  404  404  404  404  login
task_list     →detail   404  404  404  404  404  404  404  404  login
edit_get      →detail   404  404  404  404  404  404  404  404  login
edit_post     →detail   404  404  404  404  404  404  404  404  login
check         →detail   404  404  404  404  404  404  404  404  login
submit        →detail   404  404  404  404  404  404  404  404  login
withdraw_get  →detail   404  404  404  404  404  404  404  404  login
withdraw_post →detail   404  404  404  404  404  404  404  404  login
confirmation  →detail   404  404  404  404  404  404  404  404  login
"""

# Pages that are not about one referral.
GENERAL = """
list          403       403  403  200  200  200  200  200  200  login
mine          200       200  200  403  403  403  403  403  403  login
create_get    200       200  200  403  403  403  403  403  403  login
create_post   →edit     →edit →edit 403 403  403  403  403  403  login
"""


def parse(table: str) -> dict[str, dict[str, str]]:
    rows = {}
    for line in table.strip().splitlines():
        view, *cells = line.split()
        assert len(cells) == len(WHO), line
        rows[view] = dict(zip(WHO, cells, strict=True))
    return rows


MATRIX = {"submitted": parse(SUBMITTED), "draft": parse(DRAFT), "withdrawn": parse(WITHDRAWN)}
GENERAL_MATRIX = parse(GENERAL)

# What each view of one referral requests.
REQUESTS = {
    "detail": ("get", "referrals:detail", {}),
    "pdf": ("get", "referrals:pdf", {}),
    "task_list": ("get", "referrals:task_list", {}),
    "edit_get": ("get", "referrals:edit", {"section": "summary"}),
    "edit_post": ("post", "referrals:edit", {"section": "summary"}),
    "check": ("get", "referrals:check", {}),
    "submit": ("post", "referrals:submit", {}),
    "withdraw_get": ("get", "referrals:withdraw_draft", {}),
    "withdraw_post": ("post", "referrals:withdraw_draft", {}),
    "confirmation": ("get", "referrals:confirmation", {}),
}
CHANGED_SUMMARY = "Changed by whoever posted this"
# The only cells that change the referral: its author acting on their own draft.
AUTHOR_CHANGES = {("author", "draft", view) for view in ("edit_post", "submit", "withdraw_post")}


@pytest.fixture
def people(make_user, agency, other_agency):
    return {
        "author": make_user(Role.PRACTITIONER, username="author"),
        "practitioner_same_agency": make_user(Role.PRACTITIONER),
        "practitioner_other_agency": make_user(Role.PRACTITIONER, agency_obj=other_agency),
        "lead_own_agency": make_user(Role.AGENCY_LEAD),
        "lead_other_agency": make_user(Role.AGENCY_LEAD, agency_obj=other_agency),
        # The partnership sees every agency's referrals, whichever agency they belong to.
        "chair": make_user(Role.CHAIR, agency_obj=other_agency),
        "member": make_user(Role.MEMBER, agency_obj=other_agency),
        "coordinator": make_user(Role.COORDINATOR, agency_obj=other_agency),
        "administrator": make_user(Role.ADMINISTRATOR, agency_obj=other_agency),
        "anonymous": None,
    }


def make_referral(author, state: str) -> Referral:
    if state == "submitted":
        return ReferralFactory(created_by=author, submitted=True)
    referral = ReferralFactory(created_by=author)
    if state == "withdrawn":
        referral_withdraw_draft(referral=referral, by=author)
    return referral


def request_view(client, view: str, referral: Referral):
    method, name, kwargs = REQUESTS[view]
    args = [referral.pk, *kwargs.values()]
    url = reverse(name, args=args)
    if method == "get":
        return client.get(url)
    data = {"summary_of_events": CHANGED_SUMMARY, "action": "save_later"} if view == "edit_post" else {}
    return client.post(url, data)


def outcome(response, referral: Referral | None = None) -> str:
    if response.status_code != 302:
        return str(response.status_code)
    location = response["Location"]
    if location.startswith(reverse("login")):
        return "login"
    if location == reverse("referrals:mine"):
        return "→mine"
    if "/draft/" in location and location.rstrip("/").split("/")[-1] not in ("draft",):
        return "→edit"
    for name in ("detail", "task_list", "confirmation"):
        if referral is not None and location == reverse(f"referrals:{name}", args=[referral.pk]):
            return f"→{name}"
    return f"→{location}"


@pytest.mark.parametrize("view", list(REQUESTS))
@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("state", list(MATRIX))
def test_referral_access(client, people, state, who, view):
    author = people["author"]
    referral = make_referral(author, state)
    before = Referral.objects.get(pk=referral.pk)
    user = people[who]
    if user is not None:
        client.force_login(user)

    response = request_view(client, view, referral)

    expected = MATRIX[state][view][who]
    assert outcome(response, referral) == expected
    after = Referral.objects.get(pk=referral.pk)
    if (who, state, view) not in AUTHOR_CHANGES:
        # Refused, read-only or redirected: the referral is exactly as it was.
        assert (after.status, after.summary_of_events, after.reference, after.updated_at) == (
            before.status,
            SUMMARY,
            before.reference,
            before.updated_at,
        )
    reads = AuditEvent.objects.for_object(referral).filter(
        action__in=[AuditAction.CASE_VIEWED, "referral.downloaded"], actor=user
    )
    if view in ("detail", "pdf"):
        assert reads.count() == (1 if expected == "200" else 0)


@pytest.mark.parametrize("view", list(GENERAL_MATRIX))
@pytest.mark.parametrize("who", WHO)
def test_general_page_access(client, people, who, view):
    user = people[who]
    if user is not None:
        client.force_login(user)

    if view == "create_post":
        response = client.post(reverse("referrals:create"), {"start_token": str(uuid.uuid4())})
    else:
        response = client.get(reverse({"create_get": "referrals:create"}.get(view, f"referrals:{view}")))

    expected = GENERAL_MATRIX[view][who]
    assert outcome(response) == expected
    if view == "create_post":
        made = Referral.objects.filter(created_by=user) if user else Referral.objects.all()
        assert made.count() == (1 if expected == "→edit" else 0)


def test_author_edits_and_submits_their_own_draft(client, people):
    """The allowed cells of the draft table, followed through: the changes really happen."""
    author = people["author"]
    referral = make_referral(author, "draft")
    client.force_login(author)

    request_view(client, "edit_post", referral)
    assert Referral.objects.get(pk=referral.pk).summary_of_events == CHANGED_SUMMARY
    request_view(client, "submit", referral)

    assert Referral.objects.get(pk=referral.pk).status == CaseStatus.SUBMITTED


@pytest.mark.parametrize("who", WHO)
def test_lists_show_only_what_each_person_may_see(client, people, make_user, other_agency, who):
    author = people["author"]
    ours = make_referral(author, "submitted")
    our_draft = make_referral(author, "draft")
    police = make_user(Role.PRACTITIONER, agency_obj=other_agency)
    theirs = make_referral(police, "submitted")
    make_referral(police, "draft")
    user = people[who]
    if user is not None:
        client.force_login(user)

    listed = client.get(reverse("referrals:list"))
    mine = client.get(reverse("referrals:mine"))

    expected_list = {
        "lead_own_agency": {ours.pk},
        "lead_other_agency": {theirs.pk},
        "chair": {ours.pk, theirs.pk},
        "member": {ours.pk, theirs.pk},
        "coordinator": {ours.pk, theirs.pk},
        "administrator": {ours.pk, theirs.pk},
    }
    if who in expected_list:
        assert {r.pk for r in listed.context["page"].object_list} == expected_list[who]
        assert our_draft.reference is None  # drafts have no reference to list
    expected_mine = {
        "author": ({our_draft.pk}, {ours.pk}),
        "practitioner_same_agency": (set(), set()),
        "practitioner_other_agency": (set(), set()),
    }
    if who in expected_mine:
        drafts = {r.pk for r in mine.context["drafts"]}
        submitted = {r.pk for r in mine.context["submitted"]}
        assert (drafts, submitted) == expected_mine[who]
