"""The sweep Celery beat runs every few minutes: it turns open deadlines into reminders,
due-day notices and overdue escalations in the notification outbox, whose unique keys
make writing the same reminder twice impossible."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cspr.accounts.models import User
from cspr.accounts.roles import Role
from cspr.notifications.services import (
    notification_queue_many,
    recipient_for_user,
    recipients_for_contact_roles,
)
from referrals.lifecycle.states import CaseStatus

from .. import calendar
from ..models import Deadline, DeadlineRule

logger = logging.getLogger(__name__)


STAGE_RANK = {"reminder": 1, "due": 2, "overdue": 3}


def _stage_rank(stage: str) -> tuple[int, str]:
    kind, _, day = stage.partition(":")
    return (STAGE_RANK.get(kind, 0), day)


def deadline_stage_owed(deadline: Deadline, *, now: datetime) -> str | None:
    """The reminder a deadline is owed now: "reminder:<day>", "due:<day>",
    "overdue:<day>", or None.

    Only the latest stage counts: a reminder whose moment has passed unsent (the sweep
    was down) is superseded by the next, which says everything it would have said.
    The first overdue reminder is the escalation and is never superseded unless the
    rule repeats overdue reminders, each of which escalates too.
    """
    rule = deadline.rule
    today = calendar.london_date(now)
    if now > deadline.due_at:
        day = deadline.due_date + timedelta(days=1)
        if rule.repeat_overdue and today > day:
            latest_working = today if calendar.is_working_day(today) else calendar.add_working_days(today, -1)
            day = max(day, latest_working)
        return f"overdue:{day.isoformat()}"
    if today == deadline.due_date:
        return f"due:{deadline.due_date.isoformat()}" if rule.remind_on_due_day else None
    reminder_days = [calendar.add_working_days(deadline.due_date, -n) for n in rule.reminder_days()]
    passed = [day for day in reminder_days if day <= today]
    if passed:
        return f"reminder:{max(passed).isoformat()}"
    return None


@dataclass
class SweepSummary:
    examined: int = 0
    reminders: int = 0
    due: int = 0
    overdue: int = 0
    rows_written: int = 0
    batches: int = 0

    def count(self, stage: str) -> None:
        kind = stage.partition(":")[0]
        if kind == "reminder":
            self.reminders += 1
        elif kind == "due":
            self.due += 1
        else:
            self.overdue += 1

    def __str__(self):
        return (
            f"deadline sweep: examined={self.examined} reminders={self.reminders} due={self.due} "
            f"overdue={self.overdue} outbox_rows={self.rows_written} batches={self.batches}"
        )


class _Recipients:
    """Who to remind, read once per sweep per set of roles."""

    def __init__(self):
        self._contacts: dict[tuple, list] = {}
        self._users: dict[tuple, list] = {}

    def contacts(self, roles) -> list:
        key = tuple(sorted(roles))
        if key and key not in self._contacts:
            self._contacts[key] = recipients_for_contact_roles(*key)
        return self._contacts.get(key, [])

    def users(self, roles) -> list:
        key = tuple(sorted(r for r in roles if r in Role.values))
        if key and key not in self._users:
            labels = [Role(r).label for r in key]
            users = User.objects.filter(is_active=True, groups__name__in=labels).exclude(email="").distinct()
            self._users[key] = [recipient_for_user(u) for u in users.order_by("pk")]
        return self._users.get(key, [])

    def for_deadline(self, deadline: Deadline, *, overdue: bool) -> list:
        rule = deadline.rule
        found = list(self.users(rule.remind_user_roles)) + list(self.contacts(rule.remind_contact_roles))
        if rule.remind_referrer:
            author = deadline.referral.created_by
            if author.is_active and author.email:
                found.append(recipient_for_user(author))
        if overdue:
            found += self.contacts(rule.escalate_contact_roles)
        return found


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _reminder_item(deadline: Deadline, stage: str, *, now, recipients: _Recipients) -> dict:
    """The outbox event for one deadline's reminder stage, for notification_queue_many."""
    kind, _, day = stage.partition(":")
    today = calendar.london_date(now)
    context = {
        "reference": deadline.referral.reference or "",
        "deadline_label": deadline.rule.label,
        "due_date": calendar.format_day(deadline.due_date),
        # Straight to the deadlines section of the case page, where they are recorded.
        "link_path": reverse("referrals:detail", args=[deadline.referral_id]) + "#deadlines",
    }
    if kind == "overdue":
        late = calendar.working_days_between(deadline.due_date, today)
        context["overdue_by"] = _plural(late, "working day") if late > 0 else "less than a working day"
    elif kind == "reminder":
        context["due_in"] = _plural(calendar.working_days_between(today, deadline.due_date), "working day")
    return {
        "event": f"deadline_{kind}",
        "event_key": f"deadline:{deadline.pk}:{stage}",
        "case_reference": deadline.referral.reference or "",
        "recipients": recipients.for_deadline(deadline, overdue=kind == "overdue"),
        "template": f"deadline_{kind}",
        "context": context,
    }


def deadline_sweep(*, now=None, batch_size: int = 500) -> SweepSummary:
    """Write to the outbox every reminder the open deadlines are owed now and have not had.

    Works in batches, each its own transaction with its deadlines locked (rows another
    sweep holds are skipped), so a worker killed mid-sweep leaves whole batches done or
    undone. A batch costs the same few queries however many of its deadlines owe a
    reminder: one read, one outbox write for all of them, one update. A reminder stage
    is written once: the deadline remembers the last stage written and the outbox's
    unique keys refuse a second row, so double or missed runs and a clock moved forward
    send nothing twice and lose no escalation. Met, waived and duplicate deadlines are
    not open, so they are never looked at.
    """
    now = now or timezone.now()
    today = calendar.london_date(now)
    summary = SweepSummary()
    recipients = _Recipients()
    # Only deadlines close enough to owe a reminder are read at all: per rule, those due
    # within its earliest reminder (one small query for the rules, one filter).
    within_reach = Q(pk__in=[])
    for rule in DeadlineRule.objects.only("pk", "remind_days_before"):
        ahead = max(rule.reminder_days(), default=0)
        within_reach |= Q(rule_id=rule.pk, due_date__lte=calendar.add_working_days(today, ahead))
    last_pk = 0
    while True:
        with transaction.atomic():
            batch = list(
                Deadline.objects.select_for_update(skip_locked=True, of=("self",))
                .open()
                .filter(within_reach, pk__gt=last_pk)
                .exclude(referral__status__in=CaseStatus.inactive_states)
                .select_related("rule", "referral", "referral__created_by")
                .order_by("pk")[:batch_size]
            )
            if not batch:
                break
            summary.batches += 1
            last_pk = batch[-1].pk
            changed, items = [], []
            for deadline in batch:
                summary.examined += 1
                stage = deadline_stage_owed(deadline, now=now)
                if stage is None or _stage_rank(stage) <= _stage_rank(deadline.reminded_stage):
                    continue
                items.append(_reminder_item(deadline, stage, now=now, recipients=recipients))
                summary.count(stage)
                deadline.reminded_stage = stage
                deadline.reminded_at = now
                changed.append(deadline)
            # One outbox write and one update for the whole batch, however many are owed.
            summary.rows_written += len(notification_queue_many(items, now=now))
            Deadline.objects.bulk_update(changed, ["reminded_stage", "reminded_at"])
        if len(batch) < batch_size:
            break
    logger.info("%s", summary)
    return summary
