"""The reads the deadline screens need, each scoped by Deadline.objects.visible_to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q

from . import calendar
from .models import Deadline

# Due within this many working days counts as amber on the dashboard and in the counts.
SOON_WORKING_DAYS = 5


@dataclass(frozen=True)
class Urgency:
    """A deadline's RAG rating, always with words (colour is never the only signal)."""

    rag: str  # "red", "amber", "green", or "closed"
    text: str
    tag_class: str


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def deadline_urgency(deadline: Deadline, *, now: datetime, today: date | None = None) -> Urgency:
    today = today or calendar.london_date(now)
    if deadline.status == Deadline.Status.MET:
        return Urgency("closed", "Met", "govuk-tag--green")
    if deadline.status == Deadline.Status.MISSED:
        return Urgency("closed", "Missed (met late)" if deadline.met_at else "Missed", "govuk-tag--red")
    if deadline.status == Deadline.Status.WAIVED:
        return Urgency("closed", "Waived", "govuk-tag--grey")
    if deadline.status == Deadline.Status.DUPLICATE:
        return Urgency("closed", "Closed: duplicate", "govuk-tag--grey")
    if now > deadline.due_at:
        late = calendar.working_days_between(deadline.due_date, today)
        text = f"Overdue by {_plural(late, 'working day')}" if late > 0 else "Overdue"
        return Urgency("red", text, "govuk-tag--red")
    if deadline.due_date == today:
        return Urgency("amber", "Due today", "govuk-tag--orange")
    left = calendar.working_days_between(today, deadline.due_date)
    if left <= SOON_WORKING_DAYS:
        return Urgency("amber", f"Due in {_plural(left, 'working day')}", "govuk-tag--orange")
    return Urgency("green", f"Due in {_plural(left, 'working day')}", "govuk-tag--green")


def dashboard_queryset(*, user, filters: dict, now: datetime):
    """The open deadlines this user may see, filtered, most urgent first."""
    qs = Deadline.objects.visible_to(user).open()
    if filters.get("rule"):
        qs = qs.filter(rule__code=filters["rule"])
    if filters.get("agency"):
        qs = qs.filter(referral__agency_id=filters["agency"])
    if filters.get("case_status"):
        qs = qs.filter(referral__status=filters["case_status"])
    if filters.get("overdue"):
        qs = qs.overdue(now)
    return qs.select_related("rule", "referral", "referral__agency").most_urgent_first()


@dataclass(frozen=True)
class Counts:
    overdue: int
    due_today: int
    due_soon: int

    @property
    def total(self) -> int:
        return self.overdue + self.due_today + self.due_soon


def deadline_counts(*, user, now: datetime) -> Counts:
    """Open deadlines overdue, due today and due in the next 5 working days (one query)."""
    today = calendar.london_date(now)
    soon = calendar.add_working_days(today, SOON_WORKING_DAYS)
    row = (
        Deadline.objects.visible_to(user)
        .open()
        .aggregate(
            overdue=Count("pk", filter=Q(due_at__lt=now)),
            due_today=Count("pk", filter=Q(due_date=today, due_at__gte=now)),
            due_soon=Count("pk", filter=Q(due_date__gt=today, due_date__lte=soon)),
        )
    )
    return Counts(overdue=row["overdue"], due_today=row["due_today"], due_soon=row["due_soon"])


def case_deadlines(*, user, referral) -> list[Deadline]:
    """The case's deadlines in the order the procedure meets them, if the user may see them."""
    return list(
        Deadline.objects.visible_to(user)
        .filter(referral_id=referral.pk)
        .select_related("rule", "waived_by", "closed_by")
        .order_by("rule__order", "due_at")
    )


def feed_deadlines(*, user):
    """What a user's calendar feed lists: the open deadlines they may see."""
    return (
        Deadline.objects.visible_to(user).open().select_related("rule", "referral").order_by("due_at", "pk")
    )
