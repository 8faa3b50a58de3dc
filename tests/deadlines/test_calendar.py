import csv
from datetime import date, timedelta
from pathlib import Path

import holidays
import pytest

from cspr.accounts.roles import Role
from deadlines import calendar
from deadlines.calendar import add_working_days, is_working_day, working_days_between
from deadlines.models import CalendarVersion, ClosureDay, ExtraHoliday
from deadlines.services import calendar_day_save, calendar_days_delete

GOVUK_CSV = Path(__file__).parent / "bank-holidays-england-wales.csv"

pytestmark = pytest.mark.django_db


def govuk_bank_holidays() -> dict[date, str]:
    """The feed's days and their names, a substitute day named as the calendar names it."""
    with GOVUK_CSV.open(encoding="utf-8") as handle:
        return {
            date.fromisoformat(row["date"]): row["title"]
            + (" (substitute)" if row["notes"] == "Substitute day" else "")
            for row in csv.DictReader(handle)
        }


def test_package_matches_govuk_feed_for_every_weekday_holiday_2022_to_2027():
    package = holidays.country_holidays("GB", subdiv="ENG", years=range(2022, 2028))
    weekday_holidays = {day for day in package if day.weekday() < 5}
    assert weekday_holidays == set(govuk_bank_holidays())


def test_every_govuk_bank_holiday_is_not_a_working_day():
    for day in govuk_bank_holidays():
        assert is_working_day(day) is False, day


def test_working_days_per_year_match_the_govuk_feed():
    feed = govuk_bank_holidays()
    for year in range(2022, 2028):
        days = [
            date(year, 1, 1) + timedelta(days=n)
            for n in range((date(year + 1, 1, 1) - date(year, 1, 1)).days)
        ]
        expected = sum(1 for d in days if d.weekday() < 5 and d not in feed)
        assert working_days_between(date(year - 1, 12, 31), date(year, 12, 31)) == expected


def test_every_govuk_bank_holiday_has_its_govuk_name():
    assert {day: calendar.holiday_name(day) for day in govuk_bank_holidays()} == govuk_bank_holidays()


def test_counting_across_every_govuk_bank_holiday_skips_it_and_says_so():
    for day, name in govuk_bank_holidays().items():
        before = add_working_days(day, -1)  # the working day before the holiday
        after = add_working_days(day, 0)  # and the one after it
        assert before < day < after, day
        assert add_working_days(before, 1) == after, day
        assert working_days_between(before, after) == 1, day
        assert working_days_between(after, before) == -1, day
        assert add_working_days(after, -1) == before, day
        text = calendar.explain_working_days(before, 1)
        assert f"{calendar.format_day(day, year=False)} {name}" in text, day


def naive_working_days(first: date, last: date) -> list[date]:
    """Working days worked out the slow way, from the GOV.UK feed alone."""
    feed = govuk_bank_holidays()
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [day for day in days if day.weekday() < 5 and day not in feed]


@pytest.mark.parametrize("days", [-15, -7, -5, -1, 0, 1, 5, 15])
def test_add_working_days_agrees_with_the_govuk_feed_from_every_start_2022_to_2027(days):
    working = naive_working_days(date(2022, 1, 1), date(2027, 12, 31))
    checked = 0
    for offset in range((date(2027, 12, 31) - date(2022, 1, 1)).days + 1):
        start = date(2022, 1, 1) + timedelta(days=offset)
        earlier = [d for d in working if d < start]
        later = [d for d in working if d > start]
        # Only where the answer lies inside the feed's years.
        if days > 0 and len(later) >= days:
            expected = later[days - 1]
        elif days == 0 and later:
            expected = start if start in working else later[0]
        elif days < 0 and len(earlier) >= -days:
            expected = earlier[days]
        else:
            continue
        assert add_working_days(start, days) == expected, start
        checked += 1
    assert checked > 2150


def test_working_days_between_agrees_with_the_govuk_feed():
    working = set(naive_working_days(date(2022, 1, 1), date(2027, 12, 31)))
    first = date(2022, 1, 1)
    for offset in range(0, 2180, 7):
        start = first + timedelta(days=offset)
        for span in (0, 1, 3, 9, 26, 40):
            end = start + timedelta(days=span)
            if end.year > 2027:
                continue
            expected = sum(1 for n in range(1, span + 1) if start + timedelta(days=n) in working)
            assert working_days_between(start, end) == expected, (start, end)
            assert working_days_between(end, start) == -expected, (start, end)


@pytest.mark.parametrize(
    "day, expected",
    [
        (date(2026, 3, 2), True),  # Monday
        (date(2026, 3, 6), True),  # Friday
        (date(2026, 3, 7), False),  # Saturday
        (date(2026, 3, 8), False),  # Sunday
        (date(2026, 12, 28), False),  # Boxing Day, substitute day
        (date(2027, 12, 27), False),  # Christmas Day, substitute day
        (date(2027, 12, 28), False),  # Boxing Day, substitute day
        (date(2022, 12, 27), False),  # Christmas Day, substitute day
        (date(2022, 1, 3), False),  # New Year's Day, substitute day
        (date(2023, 5, 8), False),  # coronation, one-off
        (date(2022, 9, 19), False),  # state funeral, one-off
        (date(2026, 12, 29), True),
    ],
)
def test_is_working_day(day, expected):
    assert is_working_day(day) is expected


def test_substitute_days_are_named_as_substitutes():
    assert calendar.holiday_name(date(2026, 12, 28)) == "Boxing Day (substitute)"
    assert calendar.holiday_name(date(2027, 12, 27)) == "Christmas Day (substitute)"
    assert calendar.holiday_name(date(2026, 5, 4)) == "Early May bank holiday"
    assert calendar.holiday_name(date(2026, 3, 3)) is None


def test_christmas_and_new_year_span_example_from_the_issue():
    assert add_working_days(date(2026, 12, 23), 5) == date(2027, 1, 4)
    text = calendar.explain_working_days(date(2026, 12, 23), 5)
    assert text == (
        "5 working days after Wed 23 Dec 2026, not counting weekends, Fri 25 Dec Christmas Day, "
        "Mon 28 Dec Boxing Day (substitute) and Fri 1 Jan New Year\u2019s Day: due by the end of Mon 4 Jan 2027."
    )


@pytest.mark.parametrize(
    "start, days, expected",
    [
        (date(2027, 12, 24), 1, date(2027, 12, 29)),  # Fri before two substitute days
        (date(2027, 12, 24), 5, date(2028, 1, 5)),  # and New Year's Day 2028 (Sat) has its Monday substitute
        (date(2025, 12, 24), 1, date(2025, 12, 29)),
        (date(2026, 4, 2), 1, date(2026, 4, 7)),  # Easter: Good Friday and Easter Monday
        (date(2026, 4, 2), 5, date(2026, 4, 13)),
        (date(2027, 3, 25), 15, date(2027, 4, 19)),
        (date(2026, 3, 2), 0, date(2026, 3, 2)),
        (date(2026, 3, 2), 1, date(2026, 3, 3)),
        (date(2026, 3, 6), 1, date(2026, 3, 9)),  # Friday to Monday
    ],
)
def test_add_working_days_spans(start, days, expected):
    assert add_working_days(start, days) == expected
    assert working_days_between(start, expected) == days


@pytest.mark.parametrize(
    "anchor, days, expected",
    [
        (date(2026, 3, 7), 1, date(2026, 3, 9)),  # Saturday anchor: Monday is day 1
        (date(2026, 3, 8), 1, date(2026, 3, 9)),  # Sunday anchor
        (date(2026, 3, 7), 0, date(2026, 3, 9)),  # days=0 on a weekend: the next working day
        (date(2026, 12, 25), 1, date(2026, 12, 29)),  # Christmas Day anchor
        (date(2026, 12, 25), 0, date(2026, 12, 29)),
        (date(2026, 4, 3), 5, date(2026, 4, 13)),  # Good Friday anchor
    ],
)
def test_anchor_on_weekend_or_holiday_counts_from_the_next_working_day(anchor, days, expected):
    assert add_working_days(anchor, days) == expected


@pytest.mark.parametrize(
    "start, days, text",
    [
        (date(2026, 3, 2), 1, "1 working day after Mon 2 Mar 2026: due by the end of Tue 3 Mar 2026."),
        (
            date(2026, 3, 6),
            1,
            "1 working day after Fri 6 Mar 2026, not counting the weekend: due by the end of Mon 9 Mar 2026.",
        ),
        (
            date(2026, 3, 2),
            15,
            "15 working days after Mon 2 Mar 2026, not counting weekends: due by the end of Mon 23 Mar 2026.",
        ),
    ],
)
def test_explanations_name_what_was_skipped(start, days, text):
    assert calendar.explain_working_days(start, days) == text


def test_weekend_anchor_is_explained():
    text = calendar.explain_working_days(date(2026, 3, 7), 1)
    assert text.startswith("Sat 7 Mar 2026 is a weekend day, so the count starts from the next working day.")
    assert text.endswith("due by the end of Mon 9 Mar 2026.")


def test_holiday_anchor_is_explained():
    text = calendar.explain_working_days(date(2026, 12, 25), 1)
    assert text.startswith("Fri 25 Dec 2026 is not a working day (Christmas Day)")


@pytest.mark.parametrize(
    "start, days, expected",
    [
        (date(2026, 10, 16), -7, date(2026, 10, 7)),
        (date(2026, 3, 3), -1, date(2026, 3, 2)),
        (date(2026, 3, 9), -1, date(2026, 3, 6)),  # Monday back to Friday
        (date(2026, 3, 7), -1, date(2026, 3, 6)),  # Saturday back to Friday
        (date(2027, 1, 4), -5, date(2026, 12, 23)),  # back across Christmas and New Year
        (date(2026, 4, 7), -1, date(2026, 4, 2)),  # back across Easter
    ],
)
def test_negative_spans_count_back(start, days, expected):
    assert add_working_days(start, days) == expected


def test_working_days_between_is_negative_when_end_is_before_start():
    assert working_days_between(date(2027, 1, 4), date(2026, 12, 23)) == -5
    assert working_days_between(date(2026, 3, 9), date(2026, 3, 6)) == -1
    assert working_days_between(date(2026, 3, 7), date(2026, 3, 8)) == 0
    assert working_days_between(date(2026, 3, 2), date(2026, 3, 2)) == 0


def test_negative_span_is_explained():
    text = calendar.explain_working_days(date(2026, 4, 14), -7, anchor_label="the planned publication date")
    assert text == (
        "7 working days before Tue 14 Apr 2026 (the planned publication date), not counting weekends, "
        "Fri 3 Apr Good Friday and Mon 6 Apr Easter Monday: due by the end of Wed 1 Apr 2026."
    )


def test_calendar_months_clamp_to_the_end_of_a_short_month():
    assert calendar.add_calendar_months(date(2026, 3, 3), 6) == date(2026, 9, 3)
    assert calendar.add_calendar_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert calendar.add_calendar_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert calendar.explain_calendar_months(date(2026, 8, 31), 6) == (
        "6 calendar months after Mon 31 Aug 2026: due by the end of Sun 28 Feb 2027. "
        "February 2027 has no 31st, so it is the last day of that month."
    )


def test_end_of_day_is_london_time_in_summer_and_winter():
    assert calendar.end_of_day(date(2026, 7, 1)).isoformat() == "2026-07-01T23:59:59+01:00"
    assert calendar.end_of_day(date(2026, 12, 1)).isoformat() == "2026-12-01T23:59:59+00:00"


def test_closure_day_added_by_an_administrator_is_not_a_working_day(make_user):
    admin = make_user(Role.ADMINISTRATOR)
    assert add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 24)
    calendar_day_save(day_obj=ClosureDay(day=date(2026, 12, 24), reason="office closed"), by=admin)
    assert is_working_day(date(2026, 12, 24)) is False
    assert add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 29)
    assert "Thu 24 Dec closure day: office closed" in calendar.explain_working_days(date(2026, 12, 23), 1)
    calendar_days_delete(day_objs=ClosureDay.objects.all(), by=admin)
    assert is_working_day(date(2026, 12, 24)) is True


def test_one_off_bank_holiday_added_by_an_administrator(make_user):
    admin = make_user(Role.ADMINISTRATOR)
    calendar_day_save(day_obj=ExtraHoliday(day=date(2027, 6, 4), name="Jubilee bank holiday"), by=admin)
    assert is_working_day(date(2027, 6, 4)) is False
    assert calendar.holiday_name(date(2027, 6, 4)) == "Jubilee bank holiday"
    assert add_working_days(date(2027, 6, 3), 1) == date(2027, 6, 7)


def test_calculations_make_no_query_once_the_calendar_is_built(django_assert_num_queries):
    add_working_days(date(2026, 1, 1), 1)
    with django_assert_num_queries(0):
        for n in range(500):
            add_working_days(date(2026, 1, 1) + timedelta(days=n), 5)
            working_days_between(date(2026, 1, 1), date(2026, 1, 1) + timedelta(days=n))
            is_working_day(date(2026, 1, 1) + timedelta(days=n))


def test_another_process_sees_a_change_once_it_rechecks_the_version(monkeypatch):
    """Simulates the worker: its cached calendar predates a closure the web process added."""
    assert is_working_day(date(2026, 12, 24)) is True
    # Written as another process would: the rows and the version, without touching this
    # process's cache (the signal handler is what would do that here).
    from django.db.models.signals import post_save

    from deadlines.signals import calendar_rows_changed

    post_save.disconnect(calendar_rows_changed, sender=ClosureDay, dispatch_uid="calendar-save-ClosureDay")
    try:
        ClosureDay.objects.create(day=date(2026, 12, 24), reason="office closed")
        CalendarVersion.bump()
    finally:
        post_save.connect(calendar_rows_changed, sender=ClosureDay, dispatch_uid="calendar-save-ClosureDay")
    assert is_working_day(date(2026, 12, 24)) is True  # still cached
    monkeypatch.setattr(calendar, "RECHECK_SECONDS", 0.0)
    assert is_working_day(date(2026, 12, 24)) is False


def test_dates_far_from_today_extend_the_calendar():
    assert add_working_days(date(2060, 12, 24), 1) == date(2060, 12, 29)  # Christmas Sat, Boxing Day Sun
    assert is_working_day(date(2001, 12, 25)) is False


def test_dates_outside_the_calendar_are_refused():
    with pytest.raises(ValueError, match="outside the calendar"):
        is_working_day(date(1800, 1, 1))
