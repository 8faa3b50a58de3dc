"""A real Celery worker on the real Redis broker delivers a notification end to end."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from cspr.celery_app import app as celery_app
from cspr.notifications.models import Notification
from cspr.notifications.services import Recipient, notification_queue

from ..conftest import redis_url

pytestmark = [pytest.mark.real_broker, pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_worker():
    redis_url()  # skips, or fails in CI, without Redis
    assert celery_app.conf.broker_url.startswith("redis"), "settings did not pick up REDIS_URL"
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker


def test_worker_on_redis_delivers_queued_notification(redis_worker):
    rows = notification_queue(
        event="referral_submitted",
        event_key="referral-submitted:redis-e2e",
        case_reference="CSPR-2026-0042",
        recipients=[Recipient(email="coordinator@example.org", name="Coordinator")],
        template="case_event",
        context={"reference": "CSPR-2026-0042", "event_label": "Referral submitted", "link_path": "/"},
    )
    # Outside an atomic block on_commit runs at once: the task goes to Redis now.
    deadline = time.monotonic() + 30
    row = rows[0]
    while time.monotonic() < deadline:
        row.refresh_from_db()
        if row.status == Notification.Status.SENT:
            break
        time.sleep(0.2)

    assert row.status == Notification.Status.SENT
    assert [m.to for m in mail.outbox] == [["coordinator@example.org"]]
