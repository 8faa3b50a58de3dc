"""The name of every move a case can make: one member per transition on Referral.

Services, the case actions table, the audit trail and the transition log all name a move
by its member here; a test checks the enum equals the transitions the model declares.
"""

from enum import StrEnum


class Move(StrEnum):
    SUBMIT = "submit"
    WITHDRAW_DRAFT = "withdraw_draft"
    DECIDE_RAPID_REVIEW = "decide_rapid_review"
    DECIDE_NO_REVIEW = "decide_no_review"
    DECIDE_OTHER_LEARNING_REVIEW = "decide_other_learning_review"
    WITHDRAW = "withdraw"
    LINK_AS_DUPLICATE = "link_as_duplicate"
    START_RAPID_REVIEW = "start_rapid_review"
    COMPLETE_RAPID_REVIEW = "complete_rapid_review"
    SEND_TO_PANEL = "send_to_panel"
    COMMISSION_LOCAL_REVIEW = "commission_local_review"
    REFER_TO_NATIONAL_REVIEW = "refer_to_national_review"
    DECIDE_NO_FURTHER_REVIEW = "decide_no_further_review"
    START_LOCAL_REVIEW = "start_local_review"
    RECEIVE_FINAL_REPORT = "receive_final_report"
    PUBLISH_REPORT = "publish_report"
    PUBLISH_IMPROVEMENTS_ONLY = "publish_improvements_only"
    CLOSE = "close"


def transition_of(case, move: Move):
    """The case's bound transition method for `move`: the one place a move's name becomes
    the method django-fsm checks and runs."""
    return getattr(case, Move(move).value)
