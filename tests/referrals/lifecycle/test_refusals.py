"""Why a move is refused in the case's state now, in words."""

import pytest

from referrals.lifecycle.refusals import refusal_message
from referrals.lifecycle.states import CaseStatus

S = CaseStatus


@pytest.mark.parametrize(
    ("name", "status", "message"),
    [
        (
            "complete_rapid_review",
            S.RAPID_REVIEW_AGREED,
            "A rapid review cannot be completed before it has started",
        ),
        ("complete_rapid_review", S.SENT_TO_PANEL, "The rapid review has already been completed"),
        (
            "start_rapid_review",
            S.SUBMITTED,
            "A rapid review cannot start until the subgroup has decided to hold one",
        ),
        ("decide_rapid_review", S.NO_REVIEW, "The subgroup decision has already been recorded"),
        ("decide_no_review", S.DRAFT, "A decision cannot be recorded until the referral has been submitted"),
        ("withdraw", S.WITHDRAWN, "This referral has been withdrawn"),
        ("start_rapid_review", S.CLOSED, "This case is closed"),
        ("close", S.CLOSED, "This case is closed"),
        ("close", S.RAPID_REVIEW_IN_PROGRESS, "The case cannot be closed yet: its review has not finished"),
        (
            "complete_rapid_review",
            S.NO_REVIEW,
            "You cannot complete the rapid review: the case’s status is “No review”",
        ),
        (
            "refer_to_national_review",
            S.NATIONAL_REVIEW,
            "The National Panel’s national review has already been recorded",
        ),
        (
            "receive_final_report",
            S.NATIONAL_REVIEW,
            "You can no longer record the final report: the case’s status is “National review (Panel leads)”",
        ),
    ],
)
def test_refusal_message_says_why_in_words(name, status, message):
    assert refusal_message(name, status) == message
