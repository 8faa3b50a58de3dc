from django.db import transaction

from . import calendar
from .models import CalendarVersion


def calendar_rows_changed(sender, **kwargs):
    """Bump the calendar version so every process rebuilds its cached calendar."""
    CalendarVersion.bump()
    calendar.invalidate()
    transaction.on_commit(calendar.invalidate)
