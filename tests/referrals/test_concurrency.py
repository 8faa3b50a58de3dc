"""Reference numbers under concurrent submissions, on a real PostgreSQL database."""

import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from cspr.accounts.roles import Role
from cspr.audit.models import AuditEvent
from cspr.notifications.models import ContactRole, Notification
from referrals.models import ReferenceCounter, Referral
from referrals.services import ReferralAlreadySubmitted, referral_submit
from referrals.services import drafting as services

from ..conftest import need_postgresql
from ..factories import ContactFactory
from .factories import ReferralFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("counter_exists", [False, True], ids=["first-of-the-year", "counter-row-exists"])
def test_two_concurrent_submissions_get_distinct_sequential_references(
    make_user, monkeypatch, counter_exists
):
    need_postgresql()
    if counter_exists:
        ReferenceCounter.objects.create(year=timezone.localdate().year, last_number=0)
    first_author = make_user(Role.PRACTITIONER)
    second_author = make_user(Role.PRACTITIONER)
    referrals = [ReferralFactory(created_by=first_author), ReferralFactory(created_by=second_author)]
    monkeypatch.setattr("referrals.services.drafting.deadlines_open_for_referral", lambda **kwargs: [])

    # Hold the counter a moment after taking a number, so the other submission is
    # certainly waiting on the same row rather than running before or after.
    take_number = services._next_reference

    def slow_next_reference(year):
        reference = take_number(year)
        time.sleep(0.3)
        return reference

    monkeypatch.setattr(services, "_next_reference", slow_next_reference)
    start = threading.Barrier(2)
    results, errors = {}, []

    def submit(referral):
        try:
            start.wait()
            results[referral.pk] = referral_submit(referral=referral, by=referral.created_by).reference
        except Exception as exc:  # reported below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(referral,)) for referral in referrals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    year = Referral.objects.get(pk=referrals[0].pk).submitted_at.year
    assert sorted(results.values()) == [f"CSPR-{year}-0001", f"CSPR-{year}-0002"]
    assert sorted(Referral.objects.values_list("reference", flat=True)) == sorted(results.values())
    assert ReferenceCounter.objects.get(year=year).last_number == 2


def test_two_concurrent_submissions_of_one_referral_submit_it_once(make_user, agency, monkeypatch):
    """A double click that reaches two web workers at once: one reference, one set of emails."""
    need_postgresql()
    ContactFactory(role=ContactRole.COORDINATOR, agency=agency, email="coordinator@example.org")
    author = make_user(Role.PRACTITIONER)
    referral = ReferralFactory(created_by=author)
    take_number = services._next_reference

    def slow_next_reference(year):
        reference = take_number(year)
        time.sleep(0.3)  # the other request is now waiting on the referral's row lock
        return reference

    monkeypatch.setattr(services, "_next_reference", slow_next_reference)
    start = threading.Barrier(2)
    outcomes, errors = [], []

    def submit():
        try:
            start.wait()
            referral_submit(referral=Referral.objects.get(pk=referral.pk), by=author)
            outcomes.append("submitted")
        except ReferralAlreadySubmitted:
            outcomes.append("already submitted")
        except Exception as exc:  # reported below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(outcomes) == ["already submitted", "submitted"]
    saved = Referral.objects.get(pk=referral.pk)
    assert saved.reference.endswith("-0001")
    assert ReferenceCounter.objects.get().last_number == 1
    assert sorted(Notification.objects.values_list("recipient_email", flat=True)) == sorted(
        ["coordinator@example.org", author.email]
    )
    assert AuditEvent.objects.filter(action="referral.submitted").count() == 1
