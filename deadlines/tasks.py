from celery import shared_task

from .services import deadline_sweep


@shared_task
def deadline_sweep_task() -> str:
    """Celery beat's entry point; the sweep is idempotent, so a late or doubled run is harmless."""
    return str(deadline_sweep())
