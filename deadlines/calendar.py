"""The working-day calendar: Monday to Friday, less England & Wales bank holidays, less
the one-off bank holidays and closure days an administrator adds.

Counting rule (TIMELINE.md): "within N working days of X" ends at the close of the Nth
working day after X; X itself is day 0 whatever day of the week it is.

Deadlines are computed many times per dashboard view and per sweep, so the calendar is
built once per process into a sorted list of working days and every function is a
binary search, with no database query per call. Administrators' changes bump a version
number in the database; each process compares it at most every RECHECK_SECONDS (and
at once in the process that made the change), so web and worker processes agree
within seconds.
"""

from __future__ import annotations

import threading
import time
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays

from .models import CalendarVersion, ClosureDay, ExtraHoliday

LONDON = ZoneInfo("Europe/London")
RECHECK_SECONDS = 5.0
# Years built around today on first use; the range grows when a date falls outside it.
YEARS_AROUND_TODAY = 12
FIRST_YEAR, LAST_YEAR = 1990, 2200

# The package's names, reworded as GOV.UK publishes them (the feed practitioners know).
_GOVUK_NAMES = {
    "May Day": "Early May bank holiday",
    "Spring Bank Holiday": "Spring bank holiday",
    "Late Summer Bank Holiday": "Summer bank holiday",
    "Platinum Jubilee of Elizabeth II": "Platinum Jubilee bank holiday",
    "State Funeral of Queen Elizabeth II": "Bank Holiday for the State Funeral of Queen Elizabeth II",
    "Coronation of Charles III": "Bank holiday for the coronation of King Charles III",
}


def _govuk_name(name: str) -> str:
    parts = []
    for part in name.split("; "):
        substitute = part.endswith(" (observed)")
        part = part.removesuffix(" (observed)")
        part = _GOVUK_NAMES.get(part, part).replace("'", "\u2019")
        parts.append(f"{part} (substitute)" if substitute else part)
    return "; ".join(parts)


@dataclass
class _Calendar:
    version: int
    first_year: int
    last_year: int
    # Non-working weekdays: day -> why ("Christmas Day", "Office closure: …").
    closed: dict[date, str] = field(default_factory=dict)
    work_days: list[int] = field(default_factory=list)  # sorted proleptic ordinals
    work_set: frozenset[int] = frozenset()

    @property
    def first(self) -> date:
        return date(self.first_year, 1, 1)

    @property
    def last(self) -> date:
        return date(self.last_year, 12, 31)


_lock = threading.Lock()
_cache: dict[str, object] = {"calendar": None, "checked": 0.0, "span": None}


def _stored_version() -> int:
    return CalendarVersion.current()


def _build(version: int, first_year: int, last_year: int) -> _Calendar:
    closed: dict[date, str] = {}
    bank = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    for day, name in bank.items():
        if day.weekday() < 5:
            closed[day] = _govuk_name(name)
    first, last = date(first_year, 1, 1), date(last_year, 12, 31)
    for day, name in ExtraHoliday.objects.filter(day__range=(first, last)).values_list("day", "name"):
        if day.weekday() < 5:
            closed.setdefault(day, name)
    for day, reason in ClosureDay.objects.filter(day__range=(first, last)).values_list("day", "reason"):
        if day.weekday() < 5:
            closed.setdefault(day, f"closure day: {reason}" if reason else "closure day")
    work_days = []
    ordinal, end = first.toordinal(), last.toordinal()
    weekday = first.weekday()
    closed_ordinals = {d.toordinal() for d in closed}
    while ordinal <= end:
        if weekday < 5 and ordinal not in closed_ordinals:
            work_days.append(ordinal)
        ordinal += 1
        weekday = (weekday + 1) % 7
    return _Calendar(
        version=version,
        first_year=first_year,
        last_year=last_year,
        closed=closed,
        work_days=work_days,
        work_set=frozenset(work_days),
    )


def _calendar(*, covering: tuple[date, ...] = ()) -> _Calendar:
    cal: _Calendar | None = _cache["calendar"]  # type: ignore[assignment]
    stale = cal is None or time.monotonic() - _cache["checked"] >= RECHECK_SECONDS  # type: ignore[operator]
    uncovered = cal is not None and any(not (cal.first <= d <= cal.last) for d in covering)
    if not stale and not uncovered:
        return cal  # type: ignore[return-value]
    with _lock:
        cal = _cache["calendar"]  # type: ignore[assignment]
        version = _stored_version() if stale or cal is None else cal.version
        _cache["checked"] = time.monotonic()
        if cal is None:
            this_year = datetime.now(tz=LONDON).year
            first_year, last_year = this_year - YEARS_AROUND_TODAY, this_year + YEARS_AROUND_TODAY
        else:
            first_year, last_year = cal.first_year, cal.last_year
        for day in covering:
            first_year, last_year = min(first_year, day.year - 1), max(last_year, day.year + 1)
        first_year, last_year = max(first_year, FIRST_YEAR), min(last_year, LAST_YEAR)
        if (
            cal is None
            or cal.version != version
            or (first_year, last_year) != (cal.first_year, cal.last_year)
        ):
            cal = _build(version, first_year, last_year)
            _cache["calendar"] = cal
        return cal


def invalidate() -> None:
    """Forget this process's calendar; the next call rebuilds it from the database."""
    with _lock:
        _cache["calendar"] = None
        _cache["checked"] = 0.0


def _check_range(*days: date) -> None:
    for day in days:
        if not date(FIRST_YEAR, 1, 1) <= day <= date(LAST_YEAR, 12, 31) - timedelta(days=400):
            raise ValueError(f"{day} is outside the calendar ({FIRST_YEAR}–{LAST_YEAR - 1})")


def is_working_day(day: date) -> bool:
    """Monday to Friday and neither a bank holiday nor a closure day."""
    _check_range(day)
    return day.toordinal() in _calendar(covering=(day,)).work_set


def holiday_name(day: date) -> str | None:
    """Why a weekday is not a working day ("Christmas Day", "closure day: …"), else None."""
    _check_range(day)
    return _calendar(covering=(day,)).closed.get(day)


def add_working_days(start: date, days: int) -> date:
    """The `days`-th working day after `start` (start is day 0, whatever day it is).

    `days=0` gives `start` if it is a working day, else the next working day. A negative
    `days` counts back: -N is the Nth working day before `start`.
    """
    _check_range(start)
    margin = timedelta(days=abs(days) * 2 + 30)
    cal = _calendar(covering=(start, start + margin if days >= 0 else start - margin))
    ordinal = start.toordinal()
    if days > 0:
        index = bisect_right(cal.work_days, ordinal) + days - 1
    elif days == 0:
        index = bisect_left(cal.work_days, ordinal)
    else:
        index = bisect_left(cal.work_days, ordinal) + days
    return date.fromordinal(cal.work_days[index])


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`; negative when `end` is
    before `start` (then: working days after `end` up to and including `start`)."""
    _check_range(start, end)
    cal = _calendar(covering=(start, end))
    a, b = start.toordinal(), end.toordinal()
    if b >= a:
        return bisect_right(cal.work_days, b) - bisect_right(cal.work_days, a)
    return -(bisect_right(cal.work_days, a) - bisect_right(cal.work_days, b))


def non_working_weekdays_between(start: date, end: date) -> list[tuple[date, str]]:
    """Bank holidays and closure days on weekdays after `start` up to and including `end`."""
    if end < start:
        start, end = end, start
    cal = _calendar(covering=(start, end))
    return sorted((day, name) for day, name in cal.closed.items() if start < day <= end)


def add_calendar_months(start: date, months: int) -> date:
    """The same day `months` later; the month's last day when it is shorter (31 Aug + 6 → 28/29 Feb)."""
    month_index = start.year * 12 + start.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    next_month = date(year + (month == 12), month % 12 + 1, 1)
    last_day = (next_month - timedelta(days=1)).day
    return date(year, month, min(start.day, last_day))


def end_of_day(day: date) -> datetime:
    """23:59:59 Europe/London on `day`: when a deadline on that day falls due."""
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=LONDON)


def london_date(moment: datetime) -> date:
    """The calendar date in England of an aware datetime."""
    return moment.astimezone(LONDON).date()


def format_day(day: date, *, year: bool = True) -> str:
    """ "Wed 23 Dec 2026", the form used in explanations and reminders."""
    return f"{day:%a} {day.day} {day:%b}" + (f" {day.year}" if year else "")


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def explain_working_days(start: date, days: int, *, anchor_label: str = "") -> str:
    """Say in plain English how add_working_days(start, days) was worked out."""
    due = add_working_days(start, days)
    about = f" ({anchor_label})" if anchor_label else ""
    parts = []
    if not is_working_day(start):
        why = holiday_name(start)
        what = f"not a working day ({why})" if why else "a weekend day"
        parts.append(f"{format_day(start)} is {what}, so the count starts from the next working day.")
    unit = "working day" if abs(days) == 1 else "working days"
    if days >= 0:
        span = f"{days} {unit} after {format_day(start)}{about}"
    else:
        span = f"{-days} {unit} before {format_day(start)}{about}"
    # Counted days are (start, due] going forward and [due, start) going back.
    lo, hi = (start, due) if due >= start else (due, start - timedelta(days=1))
    skipped = non_working_weekdays_between(lo, hi)
    # Each weekend counted once, by the Monday of its week.
    weekends = {
        day - timedelta(days=day.weekday())
        for day in (lo + timedelta(days=offset) for offset in range(1, (hi - lo).days + 1))
        if day.weekday() >= 5
    }
    weekend_items = ["the weekend"] if len(weekends) == 1 else ["weekends"] if weekends else []
    skip_items = weekend_items + [f"{format_day(day, year=False)} {name}" for day, name in skipped]
    if skip_items:
        span += ", not counting " + _join(skip_items)
    parts.append(f"{span}: due by the end of {format_day(due)}.")
    return " ".join(parts)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def explain_calendar_months(start: date, months: int, *, anchor_label: str = "") -> str:
    due = add_calendar_months(start, months)
    about = f" ({anchor_label})" if anchor_label else ""
    unit = "calendar month" if months == 1 else "calendar months"
    text = f"{months} {unit} after {format_day(start)}{about}: due by the end of {format_day(due)}."
    if due.day != start.day:
        text += f" {due:%B %Y} has no {_ordinal(start.day)}, so it is the last day of that month."
    return text
