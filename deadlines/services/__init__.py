"""Deadline services, by topic: the only way deadlines are opened, met, waived, moved or
closed, the statutory notifications that meet them, the reminder sweep, and the
calendar feed addresses."""

from .deadlines import (
    DeadlineError,
    Due,
    deadline_compute,
    deadline_meet,
    deadline_open,
    deadline_waive,
    deadlines_close_for_duplicate,
    deadlines_open_for_referral,
    raise_first,
    waive_problems,
)
from .feeds import calendar_feed_token_create, calendar_feed_token_revoke, calendar_feed_token_used
from .moving import (
    DeadlineMove,
    calendar_day_save,
    calendar_days_delete,
    deadline_reanchor,
    deadline_rule_save,
    deadlines_reanchor_from,
)
from .notifications import NOTIFICATION_LABELS, notification_problems, statutory_notification_record
from .sweep import SweepSummary, deadline_stage_owed, deadline_sweep

__all__ = [
    "NOTIFICATION_LABELS",
    "DeadlineError",
    "DeadlineMove",
    "Due",
    "SweepSummary",
    "calendar_day_save",
    "calendar_days_delete",
    "calendar_feed_token_create",
    "calendar_feed_token_revoke",
    "calendar_feed_token_used",
    "deadline_compute",
    "deadline_meet",
    "deadline_open",
    "deadline_reanchor",
    "deadline_rule_save",
    "deadline_stage_owed",
    "deadline_sweep",
    "deadline_waive",
    "deadlines_close_for_duplicate",
    "deadlines_open_for_referral",
    "deadlines_reanchor_from",
    "notification_problems",
    "raise_first",
    "statutory_notification_record",
    "waive_problems",
]
