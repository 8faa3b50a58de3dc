"""The referrals app's screens: the author's draft, the case page, lists, triage."""

from .case import detail, la_aware, mine, pdf, referral_list, triage
from .drafting import check, confirmation, create, edit, submit, task_list, withdraw_draft

__all__ = [
    "check",
    "confirmation",
    "create",
    "detail",
    "edit",
    "la_aware",
    "mine",
    "pdf",
    "referral_list",
    "submit",
    "task_list",
    "triage",
    "withdraw_draft",
]
