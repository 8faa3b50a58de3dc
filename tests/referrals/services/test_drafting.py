"""A referral from draft to submission (referrals.services.drafting): started once, saved a
section at a time by its author only, submitted once with its reference, its contacts told
without a child's details."""

import uuid
from datetime import UTC, date, datetime, time

import pytest

from cspr.accounts.roles import Role
from cspr.audit.models import AuditEvent
from cspr.notifications.models import ContactRole, Notification
from cspr.notifications.services import notification_render
from referrals.lifecycle.states import CaseStatus
from referrals.models import FamilyMember, Referral
from referrals.services import (
    ReferralAlreadySubmitted,
    ReferralError,
    referral_create,
    referral_save_section,
    referral_submit,
    referral_withdraw_draft,
)

from ...factories import ContactFactory
from ..factories import (
    CHILD_ADDRESS,
    CHILD_NAME,
    FAMILY_NAME,
    LONDON,
    SUMMARY,
    FamilyMemberFactory,
    ReferralFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime.combine(date(2026, 3, 3), time(10, 0), tzinfo=LONDON)

PROCEDURE_ROLES = [
    ContactRole.LA_ASSISTANT_DIRECTOR,
    ContactRole.LA_DIRECTOR,
    ContactRole.POLICE_REVIEW_TEAM,
    ContactRole.HEALTH_SAFEGUARDING,
    ContactRole.COORDINATOR,
    ContactRole.LA_SERVICE_LEADER_QA,
]


@pytest.fixture
def practitioner(make_user):
    return make_user(Role.PRACTITIONER, username="pat", email="pat@example.org")


@pytest.fixture
def draft(practitioner):
    return ReferralFactory(created_by=practitioner)


@pytest.fixture
def contacts(agency):
    made = {
        role: ContactFactory(role=role, agency=agency, email=f"{role}@example.org")
        for role in PROCEDURE_ROLES
    }
    # Told of other events, not of a new referral; and a contact no longer in post.
    ContactFactory(role=ContactRole.SUBGROUP_CHAIR, email="chair-contact@example.org")
    ContactFactory(role=ContactRole.COORDINATOR, email="left@example.org", active=False)
    return made


@pytest.fixture
def opened_deadlines(monkeypatch):
    calls = []

    def fake_open(*, referral, by, now=None):
        calls.append((referral.pk, referral.status, by.pk, now))
        return []

    monkeypatch.setattr("referrals.services.drafting.deadlines_open_for_referral", fake_open)
    return calls


# --- referral_create ---


def test_referral_create_prefills_referrer_from_account(practitioner):
    referral = referral_create(by=practitioner, now=NOW)

    assert referral.status == CaseStatus.DRAFT
    assert (referral.referrer_name, referral.referrer_email, referral.agency) == (
        practitioner.get_full_name(),
        "pat@example.org",
        practitioner.agency,
    )
    assert referral.reference is None
    event = AuditEvent.objects.for_object(referral).get()
    assert (event.action, event.actor, event.object_label) == (
        "referral.created",
        practitioner,
        f"draft #{referral.pk}",
    )


def test_referral_create_same_start_token_makes_one_draft(practitioner):
    token = uuid.uuid4()

    first = referral_create(by=practitioner, start_token=token)
    second = referral_create(by=practitioner, start_token=token)

    assert first.pk == second.pk
    assert Referral.objects.count() == 1


def test_referral_create_refuses_non_practitioner(make_user):
    chair = make_user(Role.CHAIR)

    with pytest.raises(ReferralError, match="Only practitioners"):
        referral_create(by=chair)
    assert Referral.objects.count() == 0


def test_referral_create_refuses_account_without_agency(practitioner):
    practitioner.agency = None
    practitioner.save()

    with pytest.raises(ReferralError, match="no agency"):
        referral_create(by=practitioner)


# --- referral_save_section ---


def test_referral_save_section_saves_fields_and_audits_names_not_values(draft, practitioner):
    referral_save_section(
        referral=draft,
        section="child",
        values={"child_name": "Someone Else", "carer": draft.carer},
        by=practitioner,
        now=NOW,
    )

    draft.refresh_from_db()
    assert draft.child_name == "Someone Else"
    event = AuditEvent.objects.for_object(draft).get(action="referral.edited")
    assert event.summary == "Child: changed child_name"
    assert "Someone" not in event.summary


def test_referral_save_section_replaces_rows_in_order(draft, practitioner):
    FamilyMemberFactory(referral=draft, name="Old row")
    rows = [
        {"name": "First Example", "relationship": "Mother"},
        {"name": "Second Example", "relationship": "Brother"},
    ]

    referral_save_section(referral=draft, section="family", values={}, rows={"family": rows}, by=practitioner)

    saved = list(FamilyMember.objects.filter(referral=draft).values_list("position", "name"))
    assert saved == [(1, "First Example"), (2, "Second Example")]
    assert "family" in Referral.objects.get(pk=draft.pk).sections_saved


def test_referral_save_section_refuses_someone_else(draft, make_user):
    other = make_user(Role.PRACTITIONER)

    with pytest.raises(ReferralError, match="Only the person who started"):
        referral_save_section(referral=draft, section="summary", values={"summary_of_events": "x"}, by=other)
    assert Referral.objects.get(pk=draft.pk).summary_of_events == SUMMARY


def test_referral_save_section_refuses_after_submission(practitioner):
    referral = ReferralFactory(created_by=practitioner, submitted=True)

    with pytest.raises(ReferralAlreadySubmitted, match="can no longer be changed"):
        referral_save_section(
            referral=referral, section="summary", values={"summary_of_events": "x"}, by=practitioner
        )


def test_referral_save_section_rejects_fields_of_another_section(draft, practitioner):
    with pytest.raises(ValueError, match="not in section"):
        referral_save_section(referral=draft, section="summary", values={"child_name": "x"}, by=practitioner)


# --- referral_submit ---


def test_referral_submit_gives_reference_and_records_submission(
    draft, practitioner, contacts, opened_deadlines
):
    submitted = referral_submit(referral=draft, by=practitioner, now=NOW)

    draft.refresh_from_db()
    assert draft.status == CaseStatus.SUBMITTED
    assert draft.reference == "CSPR-2026-0001"
    assert (draft.submitted_at, draft.la_aware_on) == (NOW, date(2026, 3, 3))
    assert submitted.reference == draft.reference
    event = AuditEvent.objects.for_object(draft).get(action="referral.submitted")
    assert (event.actor, event.object_label, event.summary) == (
        practitioner,
        "CSPR-2026-0001",
        "Submitted as CSPR-2026-0001",
    )
    assert opened_deadlines == [(draft.pk, CaseStatus.SUBMITTED, practitioner.pk, NOW)]


def test_referral_submit_starts_the_transition_log(draft, practitioner, contacts, opened_deadlines):
    referral_submit(referral=draft, by=practitioner, now=NOW)

    rows = list(draft.transitions.values_list("name", "from_status", "to_status", "by", "at"))
    assert rows == [("submit", CaseStatus.DRAFT, CaseStatus.SUBMITTED, practitioner.pk, NOW)]


def test_referral_submit_references_are_sequential_per_year(practitioner, contacts, opened_deadlines):
    first, second, next_year = (ReferralFactory(created_by=practitioner) for _ in range(3))

    referral_submit(referral=first, by=practitioner, now=NOW)
    referral_submit(referral=second, by=practitioner, now=NOW)
    # The first submission of a new year starts the count again.
    referral_submit(
        referral=next_year, by=practitioner, now=datetime.combine(date(2027, 1, 1), time(0, 5), tzinfo=LONDON)
    )

    references = list(Referral.objects.order_by("submitted_at").values_list("reference", flat=True))
    assert references == ["CSPR-2026-0001", "CSPR-2026-0002", "CSPR-2027-0001"]


def test_referral_submit_year_and_la_date_follow_london_time(practitioner, contacts, opened_deadlines):
    referral = ReferralFactory(created_by=practitioner)
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST).
    moment = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)

    referral_submit(referral=referral, by=practitioner, now=moment)

    assert Referral.objects.get(pk=referral.pk).la_aware_on == date(2026, 7, 1)


def test_referral_submit_notifies_procedure_contacts_and_referrer(
    draft, practitioner, contacts, opened_deadlines
):
    referral_submit(referral=draft, by=practitioner, now=NOW)

    to_contacts = Notification.objects.filter(event="referral_submitted")
    assert sorted(to_contacts.values_list("recipient_email", flat=True)) == sorted(
        f"{role}@example.org" for role in PROCEDURE_ROLES
    )
    ack = Notification.objects.get(event="referral_acknowledgement")
    assert (ack.recipient_email, ack.recipient_user) == ("pat@example.org", practitioner)
    assert Notification.objects.count() == 7
    assert set(Notification.objects.values_list("case_reference", flat=True)) == {"CSPR-2026-0001"}


def test_referral_submit_emails_carry_no_child_or_family_details(
    draft, practitioner, contacts, opened_deadlines
):
    FamilyMemberFactory(referral=draft)

    referral_submit(referral=draft, by=practitioner, now=NOW)

    secrets = [
        CHILD_NAME,
        "Ottilie",
        "Fernsby",
        CHILD_ADDRESS,
        "Example Street",
        FAMILY_NAME,
        SUMMARY[:30],
        "2019",
    ]
    rendered = [notification_render(n) for n in Notification.objects.all()]
    assert len(rendered) == 7
    for subject, body in rendered:
        assert "CSPR-2026-0001" in subject
        assert f"https://cspr.example.org/referrals/{draft.pk}/" in body
        for secret in secrets:
            assert secret not in subject
            assert secret not in body


def test_referral_submit_twice_changes_and_sends_nothing_more(
    draft, practitioner, contacts, opened_deadlines, django_capture_on_commit_callbacks
):
    referral_submit(referral=draft, by=practitioner, now=NOW)
    events_before = AuditEvent.objects.count()

    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(ReferralAlreadySubmitted):
            referral_submit(referral=draft, by=practitioner, now=NOW)

    assert callbacks == []
    assert Notification.objects.count() == 7
    assert AuditEvent.objects.count() == events_before
    assert Referral.objects.get(pk=draft.pk).reference == "CSPR-2026-0001"
    assert len(opened_deadlines) == 1


def test_referral_submit_queues_delivery_after_commit(
    draft, practitioner, contacts, opened_deadlines, django_capture_on_commit_callbacks, queued_tasks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        referral_submit(referral=draft, by=practitioner, now=NOW)

    assert len(callbacks) == 7
    assert sorted(kwargs["notification_id"] for _name, _args, kwargs in queued_tasks) == sorted(
        Notification.objects.values_list("pk", flat=True)
    )


def test_referral_submit_incomplete_lists_every_problem(practitioner, opened_deadlines):
    referral = ReferralFactory(created_by=practitioner, empty=True)

    with pytest.raises(ReferralError) as raised:
        referral_submit(referral=referral, by=practitioner, now=NOW)

    fields = {(p.section, p.field) for p in raised.value.problems}
    assert ("child", "child_name") in fields
    assert ("referrer", "aware_at") in fields
    assert ("summary", "summary_of_events") in fields
    assert "Enter the child’s name" in raised.value.messages
    referral.refresh_from_db()
    assert (referral.status, referral.reference) == (CaseStatus.DRAFT, None)
    assert opened_deadlines == []
    assert Notification.objects.count() == 0


def test_referral_submit_refuses_someone_else(draft, make_user, opened_deadlines):
    other = make_user(Role.PRACTITIONER)

    with pytest.raises(ReferralError, match="Only the person who started"):
        referral_submit(referral=draft, by=other, now=NOW)
    assert Referral.objects.get(pk=draft.pk).status == CaseStatus.DRAFT


def test_referral_submit_refuses_author_no_longer_practitioner(draft, practitioner, opened_deadlines):
    practitioner.set_roles([Role.MEMBER])

    with pytest.raises(ReferralError, match="Only practitioners"):
        referral_submit(referral=draft, by=practitioner, now=NOW)


def test_referral_submit_refuses_withdrawn_draft(draft, practitioner, opened_deadlines):
    referral_withdraw_draft(referral=draft, by=practitioner)

    with pytest.raises(ReferralError, match="withdrawn") as raised:
        referral_submit(referral=draft, by=practitioner, now=NOW)
    assert not isinstance(raised.value, ReferralAlreadySubmitted)


# --- referral_withdraw_draft ---


def test_referral_withdraw_draft_keeps_it_for_its_author_only(draft, practitioner, make_user):
    referral_withdraw_draft(referral=draft, by=practitioner, now=NOW)

    draft.refresh_from_db()
    assert draft.status == CaseStatus.WITHDRAWN
    assert AuditEvent.objects.for_object(draft).filter(action="referral.draft_withdrawn").count() == 1
    assert list(draft.transitions.values_list("name", "from_status", "to_status")) == [
        ("withdraw_draft", CaseStatus.DRAFT, CaseStatus.WITHDRAWN)
    ]
    chair = make_user(Role.CHAIR)
    assert list(Referral.objects.visible_to(chair)) == []
    assert list(Referral.objects.visible_to(practitioner)) == [draft]


def test_referral_withdraw_draft_refuses_someone_else(draft, make_user):
    with pytest.raises(ReferralError):
        referral_withdraw_draft(referral=draft, by=make_user(Role.PRACTITIONER))
    assert Referral.objects.get(pk=draft.pk).status == CaseStatus.DRAFT


def test_referral_submit_acknowledges_to_the_form_address_when_the_account_has_none(
    practitioner, contacts, opened_deadlines
):
    practitioner.email = ""
    practitioner.save()
    referral = ReferralFactory(created_by=practitioner, referrer_email="pat.team@example.org")

    referral_submit(referral=referral, by=practitioner, now=NOW)

    ack = Notification.objects.get(event="referral_acknowledgement")
    assert (ack.recipient_email, ack.recipient_user) == ("pat.team@example.org", practitioner)


def test_referral_submit_acknowledges_to_the_account_address_first(practitioner, contacts, opened_deadlines):
    referral = ReferralFactory(created_by=practitioner, referrer_email="typed@example.org")

    referral_submit(referral=referral, by=practitioner, now=NOW)

    ack = Notification.objects.get(event="referral_acknowledgement")
    assert ack.recipient_email == "pat@example.org"
    assert not Notification.objects.filter(recipient_email="typed@example.org").exists()
