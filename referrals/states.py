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
