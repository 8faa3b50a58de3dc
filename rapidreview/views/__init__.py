"""The rapidreview app's screens: one page per case action, the final report download,
and the recommendations agencies report progress on."""

from .case_action import case_action, is_repeat_of_own_move, not_offered_message
from .records import recommendation_update, recommendations, report_download

__all__ = [
    "case_action",
    "is_repeat_of_own_move",
    "not_offered_message",
    "recommendation_update",
    "recommendations",
    "report_download",
]
