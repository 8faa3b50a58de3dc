"""How dates read in the service: GOV.UK style, without leading zeros, in UK time."""

from datetime import date, datetime

from django.utils import timezone


def long_date(value: date | datetime | None) -> str:
    """27 March 2026. A moment is read as its day in the UK."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    return f"{value.day} {value:%B %Y}"


def long_datetime(value: datetime | None) -> str:
    """27 March 2026 at 14:30, in UK time."""
    if not value:
        return ""
    value = timezone.localtime(value)
    return f"{value.day} {value:%B %Y} at {value:%H:%M}"
