"""The case's own log of its moves, written with each move by lifecycle.kernel."""

from django.conf import settings
from django.db import models

from referrals.lifecycle.states import CaseStatus


class CaseTransitionQuerySet(models.QuerySet):
    def for_case(self, referral):
        return self.filter(referral=referral)


class CaseTransition(models.Model):
    """One move of a case from one state to another, written with the move itself.

    `details` holds structured facts of the move (dates, counts, ids, choices), never
    a child's or family's details.
    """

    referral = models.ForeignKey("referrals.Referral", on_delete=models.PROTECT, related_name="transitions")
    name = models.CharField("transition", max_length=60)
    from_status = models.CharField(max_length=50, choices=CaseStatus.choices)
    to_status = models.CharField(max_length=50, choices=CaseStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(db_index=True)
    reason = models.TextField("reason or rationale", blank=True)
    details = models.JSONField(default=dict, blank=True)

    objects = CaseTransitionQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["referral", "at"])]

    def __str__(self):
        return f"{self.from_label} → {self.to_label}"

    @property
    def from_label(self) -> str:
        return CaseStatus(self.from_status).label

    @property
    def to_label(self) -> str:
        return CaseStatus(self.to_status).label
