"""Rapid review services, by topic: everything a case goes through from "rapid review
agreed" onwards.

Same guarantees as every lifecycle service (referrals.lifecycle.kernel): one transaction,
the case locked, state and role checked, an audit event, deadlines and notifications
where the procedure needs them. Rows added from a form carry the form's one-time token,
so a repeated POST returns the row already written instead of adding a second.
"""

from .closing import case_close, close_blockers
from .final_report import case_receive_final_report, final_report_replace, final_report_store
from .local_review import case_start_local_review, involvement_record
from .next_step import (
    case_commission_local_review,
    case_decide_no_further_review,
    case_refer_to_national_review,
    local_review_record_informed,
)
from .notes import case_note_add
from .publication import case_publish, final_report_send, publication_plan
from .rapid_review import (
    case_complete_rapid_review,
    case_send_to_panel,
    case_start_rapid_review,
    findings_problems,
)
from .recommendations import recommendation_add, recommendation_update

__all__ = [
    "case_close",
    "case_commission_local_review",
    "case_complete_rapid_review",
    "case_decide_no_further_review",
    "case_note_add",
    "case_publish",
    "case_receive_final_report",
    "case_refer_to_national_review",
    "case_send_to_panel",
    "case_start_local_review",
    "case_start_rapid_review",
    "close_blockers",
    "final_report_replace",
    "final_report_send",
    "final_report_store",
    "findings_problems",
    "involvement_record",
    "local_review_record_informed",
    "publication_plan",
    "recommendation_add",
    "recommendation_update",
]
