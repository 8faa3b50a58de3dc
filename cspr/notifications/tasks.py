from celery import shared_task
from django.db import OperationalError

from .services import NotificationDeliveryError, notification_deliver, notification_requeue_stale


@shared_task(
    # A mail server that refused, or a database briefly unavailable or locked.
    autoretry_for=(NotificationDeliveryError, OperationalError),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=9,
)
def notification_deliver_task(*, notification_id: int) -> str:
    return notification_deliver(notification_id=notification_id)


@shared_task
def notification_requeue_stale_task() -> int:
    return notification_requeue_stale()
