from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditAction(models.TextChoices):
    """Every kind of event the audit trail records, named once (zulip names each
    RealmAuditLog event type the same way). Reads are two kinds, a case's data or a list
    naming cases; the summary says which page or record."""

    # Reads
    CASE_VIEWED = "case.viewed", "Case data viewed"
    LIST_VIEWED = "list.viewed", "List of cases viewed"
    REFERRAL_DOWNLOADED = "referral.downloaded", "Referral PDF downloaded"
    FINAL_REPORT_DOWNLOADED = "case.final_report_downloaded", "Final report downloaded"
    DEADLINES_EXPORTED = "deadlines.exported", "Deadlines exported"
    FEED_READ = "deadlines.feed_read", "Calendar feed read"

    # Accounts and administration
    ACCOUNT_LOGIN = "account.login", "Signed in"
    ACCOUNT_LOGOUT = "account.logout", "Signed out"
    ACCOUNT_SIGN_IN_PAUSED = "account.sign_in_paused", "Sign-in paused after repeated failures"
    PASSWORD_CHANGED = "account.password_changed", "Password changed"
    PASSWORD_SET_BY_ADMIN = "account.password_set_by_admin", "Password set by an administrator"
    PASSWORD_RESET_REQUESTED = "account.password_reset_requested", "Password reset asked for"
    PASSWORD_RESET_REFUSED = "account.password_reset_refused", "Password reset refused (too many)"
    PASSWORD_RESET_COMPLETED = "account.password_reset_completed", "Password reset completed"
    TWO_FACTOR_ENABLED = "account.two_factor_enabled", "Two-factor sign-in set up"
    TWO_FACTOR_VERIFIED = "account.two_factor_verified", "Two-factor code accepted"
    TWO_FACTOR_FAILED = "account.two_factor_failed", "Two-factor code refused"
    TWO_FACTOR_DISABLED = "account.two_factor_disabled", "Two-factor sign-in turned off"
    TWO_FACTOR_RESET_BY_ADMIN = (
        "account.two_factor_reset_by_admin",
        "Two-factor sign-in reset by an administrator",
    )
    RECOVERY_CODES_REPLACED = "account.recovery_codes_replaced", "Recovery codes replaced"
    ADMIN_ADDED = "admin.added", "Added in administration"
    ADMIN_CHANGED = "admin.changed", "Changed in administration"
    ADMIN_DELETED = "admin.deleted", "Deleted in administration"

    # The referral form
    REFERRAL_CREATED = "referral.created", "Referral started"
    REFERRAL_EDITED = "referral.edited", "Referral draft saved"
    REFERRAL_SUBMITTED = "referral.submitted", "Referral submitted"
    REFERRAL_DRAFT_WITHDRAWN = "referral.draft_withdrawn", "Draft withdrawn"
    LA_AWARE_RECORDED = "referral.la_aware_recorded", "Local authority awareness recorded"

    # Moves of the case (one per transition after submission; see `for_move`)
    DECIDE_RAPID_REVIEW = "case.decide_rapid_review", "Decided: rapid review"
    DECIDE_NO_REVIEW = "case.decide_no_review", "Decided: no review"
    DECIDE_OTHER_LEARNING_REVIEW = "case.decide_other_learning_review", "Decided: other learning review"
    WITHDRAW = "case.withdraw", "Referral withdrawn"
    LINK_AS_DUPLICATE = "case.link_as_duplicate", "Linked as a duplicate"
    START_RAPID_REVIEW = "case.start_rapid_review", "Rapid review started"
    COMPLETE_RAPID_REVIEW = "case.complete_rapid_review", "Rapid review completed"
    SEND_TO_PANEL = "case.send_to_panel", "Rapid review sent to the National Panel"
    COMMISSION_LOCAL_REVIEW = "case.commission_local_review", "Local review commissioned"
    REFER_TO_NATIONAL_REVIEW = "case.refer_to_national_review", "National review recorded"
    DECIDE_NO_FURTHER_REVIEW = "case.decide_no_further_review", "No further review recorded"
    START_LOCAL_REVIEW = "case.start_local_review", "Local review started"
    RECEIVE_FINAL_REPORT = "case.receive_final_report", "Final report received"
    PUBLISH_REPORT = "case.publish_report", "Report published"
    PUBLISH_IMPROVEMENTS_ONLY = "case.publish_improvements_only", "Improvements published"
    CLOSE = "case.close", "Case closed"

    # Records on the case that do not move it
    DECISION_COMMUNICATED = "case.decision_communicated", "Decision communication recorded"
    DUPLICATE_LINKED = "case.duplicate_linked", "A duplicate linked to this case"
    PANEL_OFSTED_DFE_INFORMED = "case.panel_ofsted_dfe_informed", "Panel, Ofsted and DfE informed"
    INVOLVEMENT_LOGGED = "case.involvement_logged", "Involvement logged"
    FINAL_REPORT_UPLOADED = "case.final_report_uploaded", "Final report uploaded"
    FINAL_REPORT_SENT = "case.final_report_sent", "Final report sent"
    RECOMMENDATION_ADDED = "case.recommendation_added", "Recommendation added"
    RECOMMENDATION_UPDATED = "case.recommendation_updated", "Recommendation progress recorded"
    PUBLICATION_PLANNED = "case.publication_planned", "Publication planned"
    NOTE_ADDED = "case.note_added", "Note added"

    # Deadlines and the calendar
    DEADLINE_OPENED = "deadline.opened", "Deadline opened"
    DEADLINE_MET = "deadline.met", "Deadline met"
    DEADLINE_MISSED = "deadline.missed", "Deadline met late"
    DEADLINE_WAIVED = "deadline.waived", "Deadline waived"
    DEADLINE_REANCHORED = "deadline.reanchored", "Deadline counted from a new date"
    DEADLINE_MOVED = "deadline.moved", "Deadline moved by a calendar change"
    DEADLINES_CLOSED_DUPLICATE = "deadline.closed_duplicate", "Deadlines closed: duplicate"
    DEADLINE_RULE_CHANGED = "deadline_rule.changed", "Deadline rule changed"
    CALENDAR_CHANGED = "calendar.changed", "Calendar changed"
    STATUTORY_NOTIFICATION_RECORDED = "statutory_notification.recorded", "Statutory notification recorded"
    FEED_CREATED = "calendar_feed.created", "Calendar feed address made"
    FEED_REVOKED = "calendar_feed.revoked", "Calendar feed address turned off"

    @classmethod
    def for_move(cls, move: str) -> AuditAction:
        """The action that records a move of the case (a lifecycle Move's value)."""
        return _MOVE_ACTIONS.get(str(move)) or cls(f"case.{move}")


_MOVE_ACTIONS = {
    "submit": AuditAction.REFERRAL_SUBMITTED,
    "withdraw_draft": AuditAction.REFERRAL_DRAFT_WITHDRAWN,
}


class AuditEventQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))

    def update(self, **kwargs):
        raise PermissionError("Audit events are append-only.")

    def delete(self):
        raise PermissionError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One thing somebody did or saw. Never holds the sensitive values themselves."""

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Kept as text too, so the trail still reads right if the account is renamed.
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=80, db_index=True, choices=AuditAction.choices)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=100, blank=True)
    summary = models.CharField(max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username or 'system'} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only.")
