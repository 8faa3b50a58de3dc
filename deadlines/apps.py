from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class DeadlinesConfig(AppConfig):
    name = "deadlines"
    verbose_name = "Deadlines"

    def ready(self):
        # Models and handlers are imported once the app registry is ready, as Django asks.
        from .models import ClosureDay, ExtraHoliday  # noqa: PLC0415
        from .signals import calendar_rows_changed  # noqa: PLC0415

        # A safety net for writes that bypass deadlines.services (a shell, a fixture):
        # the cached calendar must never outlive the rows it was built from.
        for model in (ClosureDay, ExtraHoliday):
            post_save.connect(
                calendar_rows_changed, sender=model, dispatch_uid=f"calendar-save-{model.__name__}"
            )
            post_delete.connect(
                calendar_rows_changed, sender=model, dispatch_uid=f"calendar-delete-{model.__name__}"
            )
