from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "deadlines"
    verbose_name = "Deadlines"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .models import ClosureDay, ExtraHoliday
        from .signals import calendar_rows_changed

        # A safety net for writes that bypass deadlines.services (a shell, a fixture):
        # the cached calendar must never outlive the rows it was built from.
        for model in (ClosureDay, ExtraHoliday):
            post_save.connect(
                calendar_rows_changed, sender=model, dispatch_uid=f"calendar-save-{model.__name__}"
            )
            post_delete.connect(
                calendar_rows_changed, sender=model, dispatch_uid=f"calendar-delete-{model.__name__}"
            )
