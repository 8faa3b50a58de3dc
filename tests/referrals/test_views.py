"""The referral pages: who may see what, the section pages, check answers and submission."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cspr.accounts.roles import Role
from cspr.audit.models import AuditAction, AuditEvent
from cspr.notifications.models import ContactRole, Notification
from deadlines.calendar import add_working_days
from referrals.lifecycle.states import CaseStatus
from referrals.models import FamilyMember, Referral

from ..factories import ContactFactory
from .factories import (
    CHILD_NAME,
    SUMMARY,
    FamilyMemberFactory,
    InvolvedAgencyFactory,
    OtherProcessFactory,
    ReferralFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(make_user):
    return make_user(Role.PRACTITIONER, username="author")


@pytest.fixture
def draft(author):
    return ReferralFactory(created_by=author)


def referrer_data(agency, **overrides):
    data = {
        "referrer_name": "Pat Practitioner",
        "referrer_role": "Social worker",
        "agency": str(agency.pk),
        "referrer_email": "pat@example.org",
        "referrer_telephone": "01632 960 001",
        "aware_on_0": "2",
        "aware_on_1": "3",
        "aware_on_2": "2026",
        "aware_time": "09:30",
        "manager_name": "Robin Example",
        "manager_role": "Team manager",
        "manager_agreed_on_0": "2",
        "manager_agreed_on_1": "3",
        "manager_agreed_on_2": "2026",
        "disagreement_about_referral": "False",
        "assistant_director_decision": "",
        "action": "continue",
    }
    data.update(overrides)
    return data


def child_data(**overrides):
    data = {
        "child_name": "Ottilie Example",
        "child_date_of_birth_0": "14",
        "child_date_of_birth_1": "6",
        "child_date_of_birth_2": "2019",
        "child_address": "14 Example Street",
        "carer": "Mother",
        "incident_date_0": "1",
        "incident_date_1": "3",
        "incident_date_2": "2026",
        "incident_location": "Home",
        "child_ethnic_origin": "white_british",
        "child_ethnic_origin_other": "",
        "child_faith": "",
        "child_disability": "",
        "child_protection_plan": "no",
        "action": "continue",
    }
    data.update(overrides)
    return data


def criteria_data(**overrides):
    data = {
        "is_deceased": "True",
        "seriously_harmed": "False",
        "harm_description": "",
        "abuse_or_neglect": "suspected",
        "agencies_concern": "True",
        "action": "continue",
    }
    data.update(overrides)
    return data


def rows_data(prefix, rows, **extra):
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    data.update(extra)
    return data


def edit(client, referral, section, data):
    return client.post(reverse("referrals:edit", args=[referral.pk, section]), data)


def errors_of(response) -> list[str]:
    return [item["text"] for item in response.context["errors"]]


# --- drafts and read-only referrals (the full access matrix is in test_access.py) ---


def test_author_edit_of_submitted_referral_redirects_read_only(client, author):
    referral = ReferralFactory(created_by=author, submitted=True)
    client.force_login(author)

    response = edit(client, referral, "summary", {"summary_of_events": "Changed", "action": "save_later"})

    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:detail", args=[referral.pk])
    assert Referral.objects.get(pk=referral.pk).summary_of_events != "Changed"


def test_author_sees_own_draft_and_its_sections(client, author, draft):
    client.force_login(author)

    for section in ["referrer", "child", "family", "criteria", "summary", "others"]:
        response = client.get(reverse("referrals:edit", args=[draft.pk, section]))
        assert response.status_code == 200, section
    assert client.get(reverse("referrals:detail", args=[draft.pk]))["Location"] == reverse(
        "referrals:task_list", args=[draft.pk]
    )


def test_mine_lists_only_own_referrals(client, author, make_user):
    own_draft = ReferralFactory(created_by=author)
    own_submitted = ReferralFactory(created_by=author, submitted=True)
    ReferralFactory(created_by=make_user(Role.PRACTITIONER), submitted=True)
    client.force_login(author)

    response = client.get(reverse("referrals:mine"))

    assert [r.pk for r in response.context["drafts"]] == [own_draft.pk]
    assert [r.pk for r in response.context["submitted"]] == [own_submitted.pk]


@pytest.mark.parametrize(
    "role", [Role.CHAIR, Role.MEMBER, Role.COORDINATOR, Role.ADMINISTRATOR, Role.AGENCY_LEAD]
)
def test_only_practitioners_start_referrals_or_have_mine(client, make_user, role):
    client.force_login(make_user(role))

    assert client.get(reverse("referrals:mine")).status_code == 403
    assert client.get(reverse("referrals:create")).status_code == 403
    assert (
        client.post(
            reverse("referrals:create"), {"start_token": "7d1e6b7a-5a55-4c4c-9a3e-5d2b1c0f9e11"}
        ).status_code
        == 403
    )
    assert Referral.objects.count() == 0


def test_visible_to_inactive_user_is_empty(author):
    ReferralFactory(created_by=author, submitted=True)
    author.is_active = False

    assert list(Referral.objects.visible_to(author)) == []


def test_visible_to_user_whose_roles_were_removed_is_empty(author):
    ReferralFactory(created_by=author, submitted=True)
    author.set_roles([])

    assert list(Referral.objects.visible_to(author)) == []


# --- audit of reads ---


def test_case_page_and_pdf_are_audited(client, author, make_user):
    referral = ReferralFactory(created_by=author, submitted=True)
    chair = make_user(Role.CHAIR)
    client.force_login(chair)

    client.get(reverse("referrals:detail", args=[referral.pk]))
    response = client.get(reverse("referrals:pdf", args=[referral.pk]))

    actions = list(
        AuditEvent.objects.for_object(referral).filter(actor=chair).values_list("action", flat=True)
    )
    assert sorted(actions) == sorted([AuditAction.REFERRAL_DOWNLOADED, AuditAction.CASE_VIEWED])
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{referral.reference}.pdf"'
    assert response.content.startswith(b"%PDF")


def reads(obj=None, **filters) -> list[tuple[str, str]]:
    """The audit trail's read events, oldest first: (action, summary)."""
    events = (
        AuditEvent.objects.for_object(obj) if obj is not None else AuditEvent.objects.filter(object_id="")
    )
    return list(
        events.filter(action__in=[AuditAction.CASE_VIEWED, AuditAction.LIST_VIEWED], **filters)
        .order_by("pk")
        .values_list("action", "summary")
    )


def test_your_referrals_list_is_audited_once_without_child_details(client, author, draft):
    ReferralFactory(created_by=author, submitted=True)
    ReferralFactory(created_by=author, status=CaseStatus.WITHDRAWN)
    client.force_login(author)

    response = client.get(reverse("referrals:mine"))

    assert CHILD_NAME in response.content.decode()  # the list names the children it shows
    assert reads(actor=author) == [
        (AuditAction.LIST_VIEWED, "Your referrals list: drafts 1, submitted 1, withdrawn drafts 1")
    ]


def test_submitted_referrals_list_is_audited_once_without_the_text_searched_for(client, author, make_user):
    referral = ReferralFactory(created_by=author, submitted=True)
    coordinator = make_user(Role.COORDINATOR)
    client.force_login(coordinator)

    everything = client.get(reverse("referrals:list"))
    searched = client.get(reverse("referrals:list"), {"status": "submitted", "reference": CHILD_NAME})

    assert referral.reference in everything.content.decode()
    assert searched.status_code == 200
    assert reads(actor=coordinator) == [
        (AuditAction.LIST_VIEWED, "Submitted referrals list, page 1, 1 rows, filters: none"),
        (
            AuditAction.LIST_VIEWED,
            "Submitted referrals list, page 1, 0 rows, filters: status=submitted, reference",
        ),
    ]


def test_task_list_read_is_audited(client, author, draft):
    client.force_login(author)

    client.get(reverse("referrals:task_list", args=[draft.pk]))

    assert reads(draft, actor=author) == [(AuditAction.CASE_VIEWED, "Task list page")]


def test_check_answers_shown_again_after_a_refused_submission_is_audited(client, author):
    referral = ReferralFactory(created_by=author, empty=True)
    client.force_login(author)

    client.get(reverse("referrals:check", args=[referral.pk]))
    refused = client.post(reverse("referrals:submit", args=[referral.pk]))

    assert refused.context["submit_failed"] is True
    assert reads(referral, actor=author) == [
        (AuditAction.CASE_VIEWED, "Check answers page"),
        (AuditAction.CASE_VIEWED, "Check answers page after a refused submission"),
    ]


def test_confirmation_read_is_audited(client, author, draft):
    client.force_login(author)
    client.post(reverse("referrals:submit", args=[draft.pk]))

    response = client.get(reverse("referrals:confirmation", args=[draft.pk]))

    assert response.status_code == 200
    assert reads(draft, actor=author) == [(AuditAction.CASE_VIEWED, "Submission confirmation page")]


def test_pages_that_only_redirect_audit_no_read(client, author, draft):
    submitted = ReferralFactory(created_by=author, submitted=True)
    client.force_login(author)

    client.get(reverse("referrals:confirmation", args=[draft.pk]))  # a draft: back to its task list
    client.get(reverse("referrals:task_list", args=[submitted.pk]))  # submitted: to the case page
    client.get(reverse("referrals:check", args=[submitted.pk]))

    assert reads(draft) == [] and reads(submitted) == []


@pytest.mark.parametrize("view", ["list", "task_list", "check", "confirmation"])
def test_reads_refused_to_others_are_not_audited_as_reads(client, author, make_user, view):
    referral = ReferralFactory(created_by=author, submitted=view == "confirmation")
    other = make_user(Role.PRACTITIONER)
    client.force_login(other)
    args = [] if view == "list" else [referral.pk]

    response = client.get(reverse(f"referrals:{view}", args=args))

    assert response.status_code in (403, 404)
    assert reads(actor=other) == [] and reads(referral) == []


def test_pdf_of_a_draft_is_not_found(client, author, draft):
    client.force_login(author)

    assert client.get(reverse("referrals:pdf", args=[draft.pk])).status_code == 404


def test_case_page_shows_the_referral_to_the_partnership(client, author, make_user):
    referral = ReferralFactory(created_by=author, submitted=True, looked_after_death=True)
    FamilyMemberFactory(referral=referral, name="Barnaby Example")
    client.force_login(make_user(Role.COORDINATOR))

    content = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()

    assert referral.reference in content
    assert CHILD_NAME in content
    assert "Barnaby Example" in content
    assert "notify the Secretary of State and Ofsted" in content


# --- starting a referral ---


def test_start_twice_with_the_same_token_makes_one_draft(client, author):
    client.force_login(author)
    token = "7d1e6b7a-5a55-4c4c-9a3e-5d2b1c0f9e11"

    first = client.post(reverse("referrals:create"), {"start_token": token})
    second = client.post(reverse("referrals:create"), {"start_token": token})

    referral = Referral.objects.get()
    assert (
        first["Location"] == second["Location"] == reverse("referrals:edit", args=[referral.pk, "referrer"])
    )
    assert referral.referrer_name == author.get_full_name()


def test_start_page_get_creates_nothing(client, author):
    client.force_login(author)

    response = client.get(reverse("referrals:create"))

    assert response.status_code == 200
    assert Referral.objects.count() == 0


# --- section pages: saving, validation, rows ---


def test_save_and_continue_goes_to_next_section(client, author, agency):
    referral = ReferralFactory(created_by=author, empty=True)
    client.force_login(author)

    response = edit(client, referral, "referrer", referrer_data(agency))

    assert response["Location"] == reverse("referrals:edit", args=[referral.pk, "child"])
    referral.refresh_from_db()
    assert timezone.localtime(referral.aware_at).strftime("%Y-%m-%d %H:%M") == "2026-03-02 09:30"
    assert referral.disagreement_about_referral is False
    event = AuditEvent.objects.for_object(referral).get(action="referral.edited")
    assert event.summary.startswith("Referrer and your steps: changed ")


def test_save_and_continue_from_check_answers_returns_there(client, author, draft):
    client.force_login(author)

    response = client.post(
        reverse("referrals:edit", args=[draft.pk, "summary"]) + "?next=check",
        {"summary_of_events": "New summary", "action": "continue"},
    )

    assert response["Location"] == reverse("referrals:check", args=[draft.pk])


def test_save_and_come_back_later_keeps_an_incomplete_draft(client, author):
    referral = ReferralFactory(created_by=author, empty=True)
    client.force_login(author)

    response = edit(client, referral, "child", {"child_name": "Only The Name", "action": "save_later"})

    assert response["Location"] == reverse("referrals:task_list", args=[referral.pk])
    referral.refresh_from_db()
    assert referral.child_name == "Only The Name"
    assert referral.section_status("child", today=timezone.localdate()) == "In progress"


def test_save_and_continue_asks_for_required_answers_and_keeps_what_was_typed(client, author):
    referral = ReferralFactory(created_by=author, empty=True)
    client.force_login(author)

    response = edit(
        client, referral, "child", {"child_name": "Typed Name", "carer": "Typed Carer", "action": "continue"}
    )

    assert response.status_code == 200
    errors = errors_of(response)
    assert "Enter the child’s date of birth" in errors
    assert "Enter the child’s home address" in errors
    assert "Enter the child’s name" not in errors
    content = response.content.decode()
    assert 'value="Typed Name"' in content and 'value="Typed Carer"' in content
    assert "govuk-error-summary" in content
    assert Referral.objects.get(pk=referral.pk).child_name == ""


VALIDATION_CASES = [
    (
        "child",
        child_data(child_date_of_birth_2=str(timezone.localdate().year + 1)),
        "The child’s date of birth must be today or in the past",
    ),
    ("child", child_data(incident_date_2=str(timezone.localdate().year + 1)), "today or in the past"),
    (
        "child",
        child_data(child_date_of_birth_2="2026", child_date_of_birth_1="3", child_date_of_birth_0="5"),
        "The date of death or critical incident must be on or after the child’s date of birth",
    ),
    (
        "child",
        child_data(child_date_of_birth_0="31", child_date_of_birth_1="2"),
        "The child’s date of birth must be a real date",
    ),
    ("child", child_data(child_date_of_birth_1=""), "The child’s date of birth must include a month"),
    ("child", child_data(incident_date_2="26"), "year must include 4 numbers"),
    ("child", child_data(child_ethnic_origin="other"), "Enter the child’s ethnic group"),
    (
        "child",
        child_data(child_date_of_birth_2="2008", child_date_of_birth_1="3", child_date_of_birth_0="1"),
        "The child’s date of birth must be less than 18 years before the date of death or critical incident",
    ),
    (
        "child",
        child_data(child_date_of_birth_2="0219"),
        "The child’s date of birth must be after 31 December 1899",
    ),
    (
        "child",
        child_data(child_date_of_birth_0="99999999999999999999"),
        "The child’s date of birth must be a real date",
    ),
    (
        "child",
        child_data(incident_date_0="5"),
        "The date of death or critical incident must be on or before the date you became aware of it",
    ),
    (
        "referrer",
        {"referrer_email": "not-an-email"},
        "Enter an email address in the correct format, like name@example.org",
    ),
    (
        "referrer",
        {"referrer_email": "a" * 60 + "@" + ".".join(["example"] * 30) + ".org"},
        "Your email address must be 254 characters or fewer",
    ),
    ("referrer", {"referrer_name": "N" * 201}, "Your name must be 200 characters or fewer"),
    ("child", child_data(child_faith="F" * 101), "Faith must be 100 characters or fewer"),
    (
        "child",
        child_data(child_ethnic_origin="other", child_ethnic_origin_other="E" * 101),
        "The child’s ethnic group must be 100 characters or fewer",
    ),
    ("referrer", {"referrer_telephone": "call me"}, "Enter a telephone number"),
    ("referrer", {"referrer_telephone": "123"}, "Enter a telephone number"),
    (
        "referrer",
        {"aware_on_0": "28", "aware_on_1": "2"},
        "The date you became aware must be on or after the date of death",
    ),
    (
        "referrer",
        {"aware_on_2": str(timezone.localdate().year + 1)},
        "The date and time you became aware must be in the past",
    ),
    ("referrer", {"aware_time": ""}, "Enter the time you became aware"),
    ("referrer", {"aware_time": "25:00"}, "Enter the time you became aware using the 24-hour clock"),
    (
        "referrer",
        {"manager_agreed_on_0": "1"},
        "The date the manager agreed must be on or after the date you became aware",
    ),
    (
        "referrer",
        {"manager_agreed_on_2": str(timezone.localdate().year + 1)},
        "The date the manager agreed must be today or in the past",
    ),
    (
        "referrer",
        {"disagreement_about_referral": "True"},
        "Enter the Assistant Director’s decision on the disagreement",
    ),
    (
        "referrer",
        {"manager_name": ""},
        "Enter the name of the team leader or manager who agreed the referral",
    ),
    ("criteria", criteria_data(seriously_harmed="True"), "Describe the serious harm to the child"),
    (
        "criteria",
        criteria_data(is_deceased="False", seriously_harmed="False"),
        "A practice review is for a child who has died or been seriously harmed",
    ),
    (
        "criteria",
        criteria_data(
            is_deceased="False",
            seriously_harmed="True",
            harm_description="Injury",
            always_refer="custody_death",
        ),
        "You selected a death that must always be referred",
    ),
    ("criteria", criteria_data(abuse_or_neglect=""), "Select whether abuse or neglect is known or suspected"),
    ("summary", {"summary_of_events": "  ", "action": "continue"}, "Enter a summary of events"),
]


@pytest.mark.parametrize(("section", "data", "message"), VALIDATION_CASES)
def test_validation_rule(client, author, agency, draft, section, data, message):
    if section == "referrer":
        data = referrer_data(agency, **data)
    client.force_login(author)
    before = Referral.objects.get(pk=draft.pk)

    response = edit(client, draft, section, data)

    assert response.status_code == 200
    assert any(message in error for error in errors_of(response)), errors_of(response)
    after = Referral.objects.get(pk=draft.pk)
    assert after.updated_at == before.updated_at  # nothing saved


def test_child_a_day_short_of_18_is_accepted(client, author, draft):
    client.force_login(author)
    # Born 2 March 2008: 17 on 1 March 2026, the day of the incident.
    data = child_data(child_date_of_birth_0="2", child_date_of_birth_1="3", child_date_of_birth_2="2008")

    response = edit(client, draft, "child", data)

    assert response.status_code == 302
    assert Referral.objects.get(pk=draft.pk).child_date_of_birth.isoformat() == "2008-03-02"


def test_time_in_the_wrong_format_is_the_only_error(client, author, agency, draft):
    client.force_login(author)

    response = edit(client, draft, "referrer", referrer_data(agency, aware_time="9:30am"))

    assert errors_of(response) == [
        "Enter the time you became aware using the 24-hour clock, like 09:30 or 14:45"
    ]
    assert 'value="9:30am"' in response.content.decode()


def test_select_in_error_has_the_error_border(client, author):
    referral = ReferralFactory(created_by=author, empty=True)
    client.force_login(author)

    response = edit(client, referral, "child", {"action": "continue"})

    assert "Select the child’s ethnic origin" in errors_of(response)
    assert "govuk-select--error" in response.content.decode()


def test_valid_child_section_saves(client, author, draft):
    client.force_login(author)

    response = edit(client, draft, "child", child_data())

    assert response.status_code == 302
    assert Referral.objects.get(pk=draft.pk).child_name == "Ottilie Example"


def test_looked_after_death_is_marked_for_secretary_of_state_and_ofsted(client, author, draft):
    client.force_login(author)

    edit(client, draft, "criteria", criteria_data(always_refer=["looked_after_death", "detained_death"]))

    referral = Referral.objects.get(pk=draft.pk)
    assert (referral.looked_after_death, referral.custody_death, referral.detained_death) == (
        True,
        False,
        True,
    )
    assert referral.needs_sos_ofsted_notification is True


FAMILY_ROW = {
    "name": "First Person",
    "relationship": "Mother",
    "date_of_birth_0": "",
    "date_of_birth_1": "",
    "date_of_birth_2": "",
    "address": "",
    "ethnic_origin": "",
    "ethnic_origin_other": "",
}


def test_add_row_keeps_what_was_typed_and_saves_nothing(client, author, draft):
    client.force_login(author)

    response = edit(client, draft, "family", rows_data("family", [FAMILY_ROW], action="add-family"))

    assert response.status_code == 200
    formset = response.context["row_groups"][0][1]
    assert len(formset.forms) == 2
    assert formset.forms[0]["name"].value() == "First Person"
    assert response.context["errors"] == []
    assert FamilyMember.objects.filter(referral=draft).count() == 0


def test_remove_row_keeps_the_others(client, author, draft):
    client.force_login(author)
    rows = [FAMILY_ROW, {**FAMILY_ROW, "name": "Second Person", "relationship": "Brother"}]

    response = edit(client, draft, "family", rows_data("family", rows, action="remove-family-0"))

    formset = response.context["row_groups"][0][1]
    assert [form["name"].value() for form in formset.forms] == ["Second Person"]


def test_family_rows_saved_in_order_and_blank_rows_ignored(client, author, draft):
    client.force_login(author)
    rows = [
        FAMILY_ROW,
        {key: "" for key in FAMILY_ROW},
        {
            **FAMILY_ROW,
            "name": "Second Person",
            "relationship": "Brother",
            "date_of_birth_0": "1",
            "date_of_birth_1": "2",
            "date_of_birth_2": "2010",
        },
    ]

    response = edit(client, draft, "family", rows_data("family", rows, action="continue"))

    assert response.status_code == 302
    saved = list(FamilyMember.objects.filter(referral=draft).values_list("position", "name", "relationship"))
    assert saved == [(1, "First Person", "Mother"), (2, "Second Person", "Brother")]


def test_family_row_rules(client, author, draft):
    client.force_login(author)
    future = str(timezone.localdate().year + 1)
    rows = [
        {
            **FAMILY_ROW,
            "relationship": "",
            "date_of_birth_0": "1",
            "date_of_birth_1": "1",
            "date_of_birth_2": future,
            "ethnic_origin": "other",
        }
    ]

    response = edit(client, draft, "family", rows_data("family", rows, action="continue"))

    assert errors_of(response) == [
        "Family member 1: Enter their relationship to the child",
        "Family member 1: Date of birth must be today or in the past",
        "Family member 1: Enter their ethnic group",
    ]


def test_other_process_needs_a_name_when_other(client, author, draft):
    client.force_login(author)
    data = {
        **rows_data("agency", []),
        **rows_data("process", [{"process": "other", "process_other": "", "current_status": "Open"}]),
        "action": "continue",
    }

    response = edit(client, draft, "others", data)

    assert errors_of(response) == ["Process 1: Enter the name of the process"]


def test_section_form_after_submission_changes_nothing(client, author, draft):
    """A stale tab: the page was open when the referral was submitted."""
    client.force_login(author)
    client.post(reverse("referrals:submit", args=[draft.pk]))

    response = edit(client, draft, "summary", {"summary_of_events": "Late change", "action": "continue"})

    assert response["Location"] == reverse("referrals:detail", args=[draft.pk])
    assert Referral.objects.get(pk=draft.pk).summary_of_events != "Late change"


# --- check answers and submission ---


def test_check_answers_lists_what_is_missing_with_links(client, author):
    referral = ReferralFactory(created_by=author, empty=True)
    client.force_login(author)

    response = client.get(reverse("referrals:check", args=[referral.pk]))

    problems = response.context["problems"]
    child_name = next(p for p in problems if p["text"] == "Enter the child’s name")
    assert (
        child_name["href"]
        == reverse("referrals:edit", args=[referral.pk, "child"]) + "?next=check#id_child_name"
    )
    assert AuditEvent.objects.for_object(referral).filter(action=AuditAction.CASE_VIEWED).count() == 1


def test_submit_incomplete_shows_error_summary(client, author):
    referral = ReferralFactory(created_by=author, empty=True)
    client.force_login(author)

    response = client.post(reverse("referrals:submit", args=[referral.pk]))

    assert response.status_code == 200
    assert response.context["submit_failed"] is True
    assert "There is a problem" in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).status == CaseStatus.DRAFT


def test_submit_twice_sends_once_and_shows_confirmation(client, author, agency):
    for role in (ContactRole.COORDINATOR, ContactRole.LA_SERVICE_LEADER_QA):
        ContactFactory(role=role, agency=agency)
    referral = ReferralFactory(created_by=author)
    client.force_login(author)

    first = client.post(reverse("referrals:submit", args=[referral.pk]))
    second = client.post(reverse("referrals:submit", args=[referral.pk]))

    confirmation = reverse("referrals:confirmation", args=[referral.pk])
    assert first["Location"] == second["Location"] == confirmation
    referral.refresh_from_db()
    assert referral.status == CaseStatus.SUBMITTED
    assert Notification.objects.count() == 3
    assert AuditEvent.objects.for_object(referral).filter(action="referral.submitted").count() == 1
    page = client.get(confirmation).content.decode()
    assert referral.reference in page
    assert "already been submitted" in page


def test_confirmation_says_when_the_subgroup_must_decide(client, author):
    aware_at = timezone.now() - timedelta(minutes=5)
    today = timezone.localdate(aware_at)
    referral = ReferralFactory(
        created_by=author, aware_at=aware_at, incident_date=today, manager_agreed_on=today
    )
    client.force_login(author)

    client.post(reverse("referrals:submit", args=[referral.pk]))
    page = client.get(reverse("referrals:confirmation", args=[referral.pk])).content.decode()

    due = add_working_days(today, 5)
    assert f"within 5 working days after the incident: by <strong>{due.day} {due:%B %Y}</strong>" in page
    assert "already passed" not in page


def test_confirmation_says_when_the_decision_date_has_passed(client, author):
    referral = ReferralFactory(created_by=author)  # incident on 1 March 2026
    client.force_login(author)

    client.post(reverse("referrals:submit", args=[referral.pk]))
    page = client.get(reverse("referrals:confirmation", args=[referral.pk])).content.decode()

    assert "by <strong>6 March 2026</strong>. That date has already passed" in page


def test_submit_is_post_only(client, author, draft):
    client.force_login(author)

    assert client.get(reverse("referrals:submit", args=[draft.pk])).status_code == 405


def test_confirmation_of_a_draft_goes_back_to_it(client, author, draft):
    client.force_login(author)

    response = client.get(reverse("referrals:confirmation", args=[draft.pk]))

    assert response["Location"] == reverse("referrals:task_list", args=[draft.pk])


def test_withdraw_draft(client, author, draft):
    client.force_login(author)

    assert client.get(reverse("referrals:withdraw_draft", args=[draft.pk])).status_code == 200
    response = client.post(reverse("referrals:withdraw_draft", args=[draft.pk]))

    assert response["Location"] == reverse("referrals:mine")
    assert Referral.objects.get(pk=draft.pk).status == CaseStatus.WITHDRAWN


def test_task_list_shows_section_status(client, author):
    referral = ReferralFactory(
        created_by=author, empty=True, sections_saved=["summary"], summary_of_events="x"
    )
    client.force_login(author)

    response = client.get(reverse("referrals:task_list", args=[referral.pk]))

    statuses = {item["section"].slug: item["status"] for item in response.context["sections"]}
    assert statuses == {
        "referrer": "Not started",
        "child": "Not started",
        "family": "Not started",
        "criteria": "Not started",
        "summary": "Completed",
        "others": "Not started",
    }


# --- home page ---


def test_home_shows_practitioner_their_drafts(client, author):
    ReferralFactory(created_by=author)
    ReferralFactory(created_by=author)
    client.force_login(author)

    content = client.get(reverse("home")).content.decode()

    assert "Start a referral" in content
    assert "2 drafts not yet submitted" in content


def test_home_shows_partnership_referrals_awaiting_decision(client, author, make_user):
    ReferralFactory(created_by=author, submitted=True)
    client.force_login(make_user(Role.CHAIR))

    content = client.get(reverse("home")).content.decode()

    assert "1 submitted referral;" in content
    assert "1 awaiting the subgroup’s decision" in content
    assert "Start a referral" not in content


def test_withdrawn_draft_is_read_only_for_its_author(client, author, draft):
    client.force_login(author)
    client.post(reverse("referrals:withdraw_draft", args=[draft.pk]))

    response = edit(client, draft, "summary", {"summary_of_events": "Changed", "action": "save_later"})
    page = client.get(reverse("referrals:detail", args=[draft.pk]))

    assert response["Location"] == reverse("referrals:detail", args=[draft.pk])
    assert "It was not sent to the partnership" in page.content.decode()
    assert Referral.objects.get(pk=draft.pk).summary_of_events != "Changed"
    assert client.get(reverse("referrals:pdf", args=[draft.pk])).status_code == 404


def test_rows_are_limited(client, author, draft):
    client.force_login(author)
    rows = [{**FAMILY_ROW, "name": f"Person {i}"} for i in range(51)]

    response = edit(
        client,
        draft,
        "family",
        rows_data("family", rows, action="continue", **{"family-MAX_NUM_FORMS": "50"}),
    )

    assert response.status_code == 200
    assert "You can add up to 50 rows" in response.content.decode()
    assert FamilyMember.objects.filter(referral=draft).count() == 0


def test_opening_a_draft_section_page_is_audited(client, author, draft):
    client.force_login(author)

    response = client.get(reverse("referrals:edit", args=[draft.pk, "child"]))

    assert response.status_code == 200
    event = AuditEvent.objects.for_object(draft).get(action=AuditAction.CASE_VIEWED)
    assert (event.actor, event.summary) == (author, "Section page: child")


def _links_land_on_real_fields(client, hrefs):
    missing = []
    for href in hrefs:
        path, _, anchor = href.partition("#")
        page = client.get(path).content.decode()
        if not anchor or f'id="{anchor}"' not in page:
            missing.append(href)
    return missing


def test_every_change_link_on_check_answers_lands_on_its_field(client, author):
    referral = ReferralFactory(created_by=author, disagreement_about_referral=True, seriously_harmed=True)
    FamilyMemberFactory(referral=referral)
    FamilyMemberFactory(referral=referral, name="Second Person")
    InvolvedAgencyFactory(referral=referral)
    OtherProcessFactory(referral=referral)
    client.force_login(author)

    page = client.get(reverse("referrals:check", args=[referral.pk])).content.decode()

    hrefs = [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)">Change<', page)]
    # 11 referrer + 10 child + 2 family cards + 6 criteria + 1 summary + 2 agency and process cards
    assert len(hrefs) == 32
    assert _links_land_on_real_fields(client, hrefs) == []


def test_every_problem_link_on_check_answers_lands_on_its_field(client, author):
    referral = ReferralFactory(created_by=author, empty=True, referrer_telephone="")
    FamilyMemberFactory(referral=referral, relationship="", ethnic_origin="other")
    OtherProcessFactory(referral=referral, process="other", current_status="")
    client.force_login(author)

    response = client.get(reverse("referrals:check", args=[referral.pk]))

    hrefs = [problem["href"] for problem in response.context["problems"]]
    assert len(hrefs) == 23
    assert _links_land_on_real_fields(client, hrefs) == []


def test_home_shows_agency_lead_their_agencys_referrals_only(client, author, make_user, other_agency):
    ReferralFactory(created_by=author, submitted=True)
    ReferralFactory(created_by=author)  # a draft: not counted
    ReferralFactory(created_by=make_user(Role.PRACTITIONER, agency_obj=other_agency), submitted=True)
    lead = make_user(Role.AGENCY_LEAD)
    client.force_login(lead)

    content = client.get(reverse("home")).content.decode()

    assert "Your agency’s referrals" in content
    assert f"1 submitted referral from {lead.agency.name}; 1 awaiting the subgroup’s decision" in content
    assert "Start a referral" not in content


def test_section_page_warns_when_unsaved_typing_would_be_lost(client, author, draft, settings):
    settings.SESSION_IDLE_MINUTES = 20
    client.force_login(author)

    content = client.get(reverse("referrals:edit", args=[draft.pk, "summary"])).content.decode()

    assert "signed out if you do not save or move to another page for 20 minutes" in content


def test_task_list_and_check_say_when_the_referral_is_due(client, author):
    aware_at = timezone.now() - timedelta(minutes=5)
    referral = ReferralFactory(created_by=author, empty=True, aware_at=aware_at)
    client.force_login(author)

    task_list = client.get(reverse("referrals:task_list", args=[referral.pk])).content.decode()
    check = client.get(reverse("referrals:check", args=[referral.pk])).content.decode()

    due = add_working_days(timezone.localdate(aware_at), 1)
    expected = f"Submit this referral by the end of <strong>{due.day} {due:%B %Y}</strong>"
    assert expected in task_list
    assert expected in check
    assert "This referral is late" not in task_list


def test_task_list_warns_when_the_referral_is_late(client, author):
    referral = ReferralFactory(created_by=author)  # aware on Monday 2 March 2026
    client.force_login(author)

    content = client.get(reverse("referrals:task_list", args=[referral.pk])).content.decode()

    assert "This referral is late. It was due by the end of 3 March 2026" in content


def test_task_list_says_nothing_of_a_due_date_before_awareness_is_entered(client, author):
    referral = ReferralFactory(created_by=author, empty=True)
    client.force_login(author)

    content = client.get(reverse("referrals:task_list", args=[referral.pk])).content.decode()

    assert "Submit this referral by" not in content
    assert "This referral is late" not in content


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("referrals:create", []),
        ("referrals:edit", ["summary"]),
        ("referrals:submit", []),
        ("referrals:withdraw_draft", []),
    ],
)
def test_changes_need_the_csrf_token(author, draft, name, args):
    client = Client(enforce_csrf_checks=True)
    client.force_login(author)
    url = reverse(name, args=[draft.pk, *args]) if name != "referrals:create" else reverse(name)

    response = client.post(url, {"summary_of_events": "Forged", "action": "continue"})

    assert response.status_code == 403
    draft.refresh_from_db()
    assert (draft.status, draft.summary_of_events) == (CaseStatus.DRAFT, SUMMARY)
    assert Referral.objects.count() == 1
