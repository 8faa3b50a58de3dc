import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from cspr.notifications.models import ContactRole, Notification
from cspr.notifications.services import (
    NotificationDeliveryError,
    Recipient,
    notification_deliver,
    notification_queue,
    notification_queue_many,
    notification_render,
    notification_requeue_stale,
    recipient_for_user,
    recipients_for_contact_roles,
)
from cspr.notifications.tasks import notification_deliver_task

from ..factories import ContactFactory

pytestmark = pytest.mark.django_db

CONTEXT = {"reference": "CSPR-2026-0001", "event_label": "Referral submitted", "link_path": "/referrals/1/"}


def queue(recipients, event_key="referral-submitted:1", **overrides):
    kwargs = dict(
        event="referral_submitted",
        event_key=event_key,
        case_reference="CSPR-2026-0001",
        recipients=recipients,
        template="case_event",
        context=CONTEXT,
    )
    kwargs.update(overrides)
    return notification_queue(**kwargs)


def test_notification_queue_same_event_twice_writes_one_row_per_recipient(django_capture_on_commit_callbacks):
    ContactFactory(role=ContactRole.COORDINATOR, email="coord@example.org")
    ContactFactory(role=ContactRole.POLICE_REVIEW_TEAM, email="police@example.org")
    recipients = recipients_for_contact_roles(ContactRole.COORDINATOR, ContactRole.POLICE_REVIEW_TEAM)

    with django_capture_on_commit_callbacks() as callbacks:
        first = queue(recipients)
        second = queue(recipients)

    assert len(first) == 2
    assert second == []
    assert Notification.objects.count() == 2
    assert len(callbacks) == 2


def test_notification_queue_same_address_twice_in_one_call_writes_one_row():
    contact = ContactFactory(email="same@example.org")
    rows = queue([Recipient(email="same@example.org", contact=contact), Recipient(email="SAME@example.org")])
    assert len(rows) == 1


def test_notification_queue_skips_inactive_contact():
    active = ContactFactory(role=ContactRole.COORDINATOR, email="on@example.org")
    ContactFactory(role=ContactRole.COORDINATOR, email="off@example.org", active=False)

    rows = queue(recipients_for_contact_roles(ContactRole.COORDINATOR))

    assert [r.recipient_email for r in rows] == [active.email]


def test_notification_queue_rejects_context_keys_outside_allow_list():
    with pytest.raises(ValueError, match="child_name"):
        queue([Recipient(email="a@example.org")], context={**CONTEXT, "child_name": "Jamie Example"})


def test_notification_deliver_sends_once_and_marks_sent():
    row = queue([Recipient(email="a@example.org", name="Ann")])[0]

    assert notification_deliver(notification_id=row.pk) == "sent"
    assert notification_deliver(notification_id=row.pk) == "sent"

    row.refresh_from_db()
    assert row.status == Notification.Status.SENT
    assert row.sent_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["a@example.org"]
    assert "CSPR-2026-0001" in mail.outbox[0].subject
    assert "https://cspr.example.org/referrals/1/" in mail.outbox[0].body


def test_notification_deliver_mail_error_records_attempt_and_raises(monkeypatch):
    row = queue([Recipient(email="a@example.org")])[0]

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("connection lost")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    with pytest.raises(NotificationDeliveryError):
        notification_deliver(notification_id=row.pk)

    row.refresh_from_db()
    assert (row.status, row.attempts) == (Notification.Status.PENDING, 1)
    assert "SMTPServerDisconnected" in row.last_error
    assert mail.outbox == []


def test_notification_deliver_task_retries_after_mail_error_then_sends(monkeypatch):
    row = queue([Recipient(email="a@example.org")])[0]
    real_send = __import__("django.core.mail", fromlist=["EmailMessage"]).EmailMessage.send
    calls = {"n": 0}

    def flaky(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise smtplib.SMTPServerDisconnected("try later")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr("django.core.mail.EmailMessage.send", flaky)
    # apply() runs the task here, with Celery's real retry policy (eagerly).
    result = notification_deliver_task.apply(kwargs={"notification_id": row.pk})

    assert result.successful()
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Notification.Status.SENT, 2)
    assert len(mail.outbox) == 1


def test_notification_deliver_for_contact_made_inactive_after_queueing_sends_nothing():
    contact = ContactFactory(email="leaver@example.org")
    row = queue([Recipient(email=contact.email, contact=contact)])[0]
    contact.active = False
    contact.save()

    assert notification_deliver(notification_id=row.pk) == Notification.Status.CANCELLED
    assert mail.outbox == []


def test_notification_deliver_missing_row_returns_quietly():
    assert notification_deliver(notification_id=987654) == "missing"


def test_notification_requeue_stale_queues_only_old_pending_rows(django_capture_on_commit_callbacks):
    now = timezone.now()
    old, fresh, sent = queue(
        [Recipient(email=f"{n}@example.org") for n in ("old", "fresh", "sent")], now=now - timedelta(hours=1)
    )
    Notification.objects.filter(pk=fresh.pk).update(queued_at=now - timedelta(minutes=2))
    Notification.objects.filter(pk=sent.pk).update(status=Notification.Status.SENT)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        count = notification_requeue_stale(now=now, older_than_minutes=10)

    assert count == 1
    assert len(callbacks) == 1
    old.refresh_from_db()
    assert old.queued_at == now


def test_notification_render_never_contains_sensitive_values():
    sensitive = {
        "child_name": "Jamie Example-Child",
        "date_of_birth": "14/02/2019",
        "home_address": "1 Example Street, Weston",
        "carer": "Sam Example-Carer",
        "summary": "A detailed and private account of events",
    }
    user_recipient = Recipient(email="u@example.org", name="Dana Practitioner")
    row = queue([user_recipient])[0]
    # Even a caller who smuggles values into the stored context cannot get them rendered,
    # because templates only use the allow-listed keys.
    row.context = {**row.context, **sensitive}
    subject, body = notification_render(row)

    for value in sensitive.values():
        assert value not in subject
        assert value not in body


def test_recipient_for_user_uses_account_address(make_user):
    user = make_user(email="person@example.org", first_name="Pat", last_name="Smith")
    assert recipient_for_user(user) == Recipient(email="person@example.org", name="Pat Smith", user=user)


def many_items(count, *, recipients=None, key_prefix="deadline"):
    return [
        dict(
            event="deadline_reminder",
            event_key=f"{key_prefix}:{n}:reminder:2026-03-05",
            case_reference=f"CSPR-2026-{n:04d}",
            recipients=recipients if recipients is not None else [Recipient(email=f"lead{n}@example.org")],
            template="deadline_reminder",
            context={**CONTEXT, "reference": f"CSPR-2026-{n:04d}"},
        )
        for n in range(count)
    ]


def test_notification_queue_many_writes_one_row_per_event_and_recipient(django_capture_on_commit_callbacks):
    shared = Recipient(email="coord@example.org", name="Coordinator")
    items = many_items(3)
    for item in items:
        item["recipients"] = [*item["recipients"], shared]

    with django_capture_on_commit_callbacks() as callbacks:
        rows = notification_queue_many(items)

    assert len(rows) == 6
    assert len(callbacks) == 6
    assert sorted(Notification.objects.values_list("key", flat=True)) == sorted(
        f"deadline:{n}:reminder:2026-03-05|{email}"
        for n in range(3)
        for email in (f"lead{n}@example.org", "coord@example.org")
    )
    row = Notification.objects.get(key="deadline:1:reminder:2026-03-05|coord@example.org")
    assert (row.case_reference, row.context["reference"], row.context["recipient_name"]) == (
        "CSPR-2026-0001",
        "CSPR-2026-0001",
        "Coordinator",
    )


@pytest.mark.parametrize("count", [1, 50])
def test_notification_queue_many_queries_do_not_grow_with_the_events(count, django_assert_num_queries):
    # Existing keys, one insert, the new rows read back: however many events.
    with django_assert_num_queries(3):
        rows = notification_queue_many(many_items(count))
    assert len(rows) == count


def test_notification_queue_many_again_writes_and_queues_nothing(django_capture_on_commit_callbacks):
    notification_queue_many(many_items(4))
    with django_capture_on_commit_callbacks() as callbacks:
        # One look-up of the keys, then nothing to write.
        rows = notification_queue_many(many_items(4))
    assert rows == []
    assert callbacks == []
    assert Notification.objects.count() == 4


def test_notification_queue_many_writes_only_what_is_new(django_capture_on_commit_callbacks):
    queue([Recipient(email="lead1@example.org")], event_key="deadline:1:reminder:2026-03-05")
    with django_capture_on_commit_callbacks() as callbacks:
        rows = notification_queue_many(many_items(3))
    assert sorted(r.recipient_email for r in rows) == ["lead0@example.org", "lead2@example.org"]
    assert len(callbacks) == 2
    assert Notification.objects.count() == 3


def test_notification_queue_many_same_key_in_two_items_writes_one_row():
    items = many_items(1) + many_items(1)
    assert len(notification_queue_many(items)) == 1


def test_notification_queue_many_skips_inactive_contacts_and_missing_addresses():
    off = ContactFactory(email="off@example.org", active=False)
    on = ContactFactory(email="on@example.org")
    recipients = [
        Recipient(email=off.email, contact=off),
        Recipient(email=on.email, contact=on),
        Recipient(email=""),
    ]
    rows = notification_queue_many(many_items(2, recipients=recipients))
    assert sorted(r.recipient_email for r in rows) == ["on@example.org", "on@example.org"]


def test_notification_queue_many_refuses_unsafe_context_and_writes_nothing():
    items = many_items(3)
    items[2]["context"] = {**CONTEXT, "child_name": "Jamie Example"}
    with pytest.raises(ValueError, match="child_name"):
        notification_queue_many(items)
    assert Notification.objects.count() == 0


def test_notification_queue_many_with_nothing_to_write_makes_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert notification_queue_many([]) == []
        assert notification_queue_many(many_items(2, recipients=[])) == []


def test_notification_deliver_task_retries_when_the_database_is_briefly_unavailable(monkeypatch):
    from django.db import OperationalError

    from cspr.notifications import tasks

    row = queue([Recipient(email="a@example.org")])[0]
    real_deliver = tasks.notification_deliver
    calls = {"n": 0}

    def locked_once(**kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("database is locked")
        return real_deliver(**kwargs)

    monkeypatch.setattr(tasks, "notification_deliver", locked_once)
    result = notification_deliver_task.apply(kwargs={"notification_id": row.pk})

    assert result.successful()
    assert calls["n"] == 2
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT
