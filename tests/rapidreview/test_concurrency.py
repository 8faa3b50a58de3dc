"""Two people acting on the same case at the same moment, on real PostgreSQL: the row lock
serves them one after the other, one wins, the other is told why, nothing is half-written."""

import threading
import time
import uuid

import pytest
from django.db import connection

from cspr.accounts.roles import Role
from cspr.audit.models import AuditEvent
from rapidreview import services as review_services
from rapidreview.models import CaseNote, RapidReview
from rapidreview.services import notes
from referrals import services as referral_services
from referrals.lifecycle import kernel
from referrals.lifecycle.kernel import CaseActionError
from referrals.lifecycle.states import CaseStatus
from referrals.models import CaseTransition, Referral, SubgroupDecision

from ..conftest import need_postgresql
from .helpers import case_in, decide, submitted_case, today

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

S = CaseStatus


def run_together(monkeypatch, *calls):
    """Run the calls in threads released together; the first to hold the case's lock keeps
    it a moment, so the others really wait on it. Returns each call's result or error."""
    original = kernel.case_check_move

    def slow_check(case, name, by):
        original(case, name, by)
        time.sleep(0.4)

    monkeypatch.setattr(kernel, "case_check_move", slow_check)
    return run_threads(*calls)


def run_threads(*calls):
    """Run the calls in threads released together; returns each call's result or error."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # noqa: BLE001 — the test inspects whatever happened
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_people_starting_the_rapid_review_at_once(
    monkeypatch, chair, coordinator, practitioner, contacts
):
    need_postgresql()
    case = case_in(S.RAPID_REVIEW_AGREED, author=practitioner, by=chair)

    def start(by):
        return lambda: review_services.case_start_rapid_review(
            referral=Referral(pk=case.pk), started_on=today(), organisations=[case.agency], by=by
        )

    results = run_together(monkeypatch, start(chair), start(coordinator))

    errors = [r for r in results if isinstance(r, Exception)]
    wins = [r for r in results if isinstance(r, RapidReview)]
    assert len(wins) == 1
    assert [type(e) for e in errors] == [CaseActionError]
    assert errors[0].message == "The rapid review has already started"
    case.refresh_from_db()
    assert case.status == S.RAPID_REVIEW_IN_PROGRESS
    assert RapidReview.objects.filter(referral=case).count() == 1
    assert CaseTransition.objects.filter(referral=case, name="start_rapid_review").count() == 1
    assert RapidReview.objects.get(referral=case).started_by == wins[0].started_by


def test_two_chairs_recording_different_decisions_at_once(
    monkeypatch, chair, make_user, practitioner, contacts
):
    need_postgresql()
    second_chair = make_user(Role.CHAIR, username="vicechair")
    case = submitted_case(author=practitioner)

    results = run_together(
        monkeypatch,
        lambda: decide(Referral(pk=case.pk), chair, organisations=[case.agency]),
        lambda: decide(Referral(pk=case.pk), second_chair, "no_review", organisations=[]),
    )

    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1
    assert isinstance(errors[0], CaseActionError)
    assert errors[0].message == "The subgroup decision has already been recorded"
    decision = SubgroupDecision.objects.get(referral=case)
    case.refresh_from_db()
    expected = S.RAPID_REVIEW_AGREED if decision.outcome == "rapid_review" else S.NO_REVIEW
    assert case.status == expected
    assert CaseTransition.objects.filter(referral=case).count() == 1


def test_one_note_posted_twice_at_once_is_added_once(monkeypatch, member, practitioner, contacts):
    """A double click sends the same form twice at the same moment: the second post waits
    for the first under the case's lock, then finds its row by the form's token."""
    need_postgresql()
    case = submitted_case(author=practitioner)
    original = notes.can_add_note

    def slow_check(user, case=None):
        allowed = original(user, case)
        time.sleep(0.4)
        return allowed

    monkeypatch.setattr(notes, "can_add_note", slow_check)
    token = uuid.uuid4()

    def post():
        return review_services.case_note_add(
            referral=Referral(pk=case.pk), text="Police hold CCTV", token=token, by=member
        )

    results = run_threads(post, post)

    assert [type(result) for result in results] == [CaseNote, CaseNote]
    assert results[0].pk == results[1].pk
    assert CaseNote.objects.filter(referral=case).count() == 1
    assert AuditEvent.objects.for_object(case).filter(action="case.note_added").count() == 1


def test_two_referrals_linked_to_each_other_at_once(monkeypatch, chair, coordinator, practitioner, contacts):
    """Both cases are locked lower id first, so the two links queue instead of deadlocking;
    the second finds its main case already a duplicate and says so."""
    need_postgresql()
    first = submitted_case(author=practitioner)
    second = submitted_case(author=practitioner)

    def link(case, main, by):
        return lambda: referral_services.case_link_as_duplicate(
            referral=Referral(pk=case.pk), duplicate_of=Referral(pk=main.pk), by=by
        )

    results = run_together(monkeypatch, link(first, second, chair), link(second, first, coordinator))

    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], CaseActionError)
    first.refresh_from_db()
    second.refresh_from_db()
    statuses = sorted([first.status, second.status])
    assert statuses == sorted([S.DUPLICATE, S.SUBMITTED])
    linked = first if first.status == S.DUPLICATE else second
    assert errors[0].message == (
        f"{linked.reference} cannot be the main case: its status is “Linked to another case as a duplicate”"
    )
    assert CaseTransition.objects.filter(name="link_as_duplicate").count() == 1
