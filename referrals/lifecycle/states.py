"""Every state a referral passes through as a case, and the named groups of states that
the rest of the application asks about (pretalx keeps `accepted_states` on its enum the
same way), so a set of states is written once, here."""

from django.db import models


class CaseStatus(models.TextChoices):
    """Every state a referral passes through as a case (DESIGN.md, case lifecycle)."""

    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    WITHDRAWN = "withdrawn", "Withdrawn"
    DUPLICATE = "duplicate", "Linked to another case as a duplicate"
    RAPID_REVIEW_AGREED = "rapid_review_agreed", "Rapid review agreed"
    NO_REVIEW = "no_review", "No review"
    OTHER_LEARNING_REVIEW = "other_learning_review", "Other learning review"
    RAPID_REVIEW_IN_PROGRESS = "rapid_review_in_progress", "Rapid review in progress"
    RAPID_REVIEW_COMPLETE = "rapid_review_complete", "Rapid review complete"
    SENT_TO_PANEL = "sent_to_panel", "Sent to the National Panel"
    LCSPR_COMMISSIONED = "lcspr_commissioned", "Local review commissioned"
    NATIONAL_REVIEW = "national_review", "National review (Panel leads)"
    NO_FURTHER_REVIEW = "no_further_review", "No further review"
    LCSPR_IN_PROGRESS = "lcspr_in_progress", "Local review in progress"
    FINAL_REPORT_RECEIVED = "final_report_received", "Final report received"
    PUBLISHED = "published", "Published"
    IMPROVEMENTS_PUBLISHED = "improvements_published", "Improvements published (report not published)"
    CLOSED = "closed", "Closed"


S = CaseStatus

# The groups are set on the enum after it is made, since inside the class body the names
# are still plain (value, label) tuples.

# Not a live case: deadlines no longer run, and it is never the main case of a duplicate.
S.inactive_states = frozenset({S.DRAFT, S.WITHDRAWN, S.DUPLICATE})
# States that end a referral's own route whatever was asked of it.
S.ended_states = frozenset({S.CLOSED, S.WITHDRAWN, S.DUPLICATE})
# The case's route has ended; closing records that nothing remains.
S.closable_states = (
    S.NO_REVIEW,
    S.OTHER_LEARNING_REVIEW,
    S.NATIONAL_REVIEW,
    S.NO_FURTHER_REVIEW,
    S.PUBLISHED,
    S.IMPROVEMENTS_PUBLISHED,
)
# A decision has been recorded and the case is still open.
S.after_decision_states = tuple(
    s for s in S if s not in (S.DRAFT, S.SUBMITTED, S.CLOSED, S.WITHDRAWN, S.DUPLICATE)
)
# A case takes notes from its submission until it is closed or stops being a case.
S.note_states = tuple(s for s in S if s not in (S.DRAFT, S.CLOSED, S.WITHDRAWN, S.DUPLICATE))
# A local review is held.
S.local_review_states = (S.LCSPR_COMMISSIONED, S.LCSPR_IN_PROGRESS, S.FINAL_REPORT_RECEIVED)
# The final report is in and its recommendations are being added or followed.
S.recommendation_states = (S.FINAL_REPORT_RECEIVED, S.PUBLISHED, S.IMPROVEMENTS_PUBLISHED)
# The stages of a case after the decision and before it is closed, in the order a case
# passes through them (the home page counts cases by these).
S.stage_states = (
    S.RAPID_REVIEW_AGREED,
    S.RAPID_REVIEW_IN_PROGRESS,
    S.RAPID_REVIEW_COMPLETE,
    S.SENT_TO_PANEL,
    S.LCSPR_COMMISSIONED,
    S.LCSPR_IN_PROGRESS,
    S.FINAL_REPORT_RECEIVED,
    S.PUBLISHED,
    S.IMPROVEMENTS_PUBLISHED,
    S.NATIONAL_REVIEW,
    S.NO_FURTHER_REVIEW,
    S.NO_REVIEW,
    S.OTHER_LEARNING_REVIEW,
)
