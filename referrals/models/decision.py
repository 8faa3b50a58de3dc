"""The subgroup decision on a submitted referral (procedure §6, §7, §9)."""

from django.conf import settings
from django.db import models


class SubgroupDecision(models.Model):
    """What the subgroup decided about a submitted referral, and why (procedure §6, §7, §9)."""

    class Outcome(models.TextChoices):
        RAPID_REVIEW = "rapid_review", "Hold a rapid review"
        NO_REVIEW = "no_review", "No review"
        SINGLE_AGENCY_REVIEW = "single_agency_review", "A single-agency learning review"
        MULTI_AGENCY_REVIEW = "multi_agency_review", "A multi-agency learning review"

    # §6: the criteria the subgroup takes into account, in the procedure's order.
    CRITERIA = (
        ("improvements_needed", "Highlights or may highlight improvements needed to safeguard children"),
        ("recurrent_themes", "Highlights or may highlight recurrent themes in safeguarding children"),
        (
            "agencies_working_together",
            "Highlights or may highlight concerns about two or more agencies working together",
        ),
        (
            "panel_suggested_local_review",
            "The National Panel considered that a local review may be more appropriate",
        ),
    )
    # §7: the circumstances the subgroup also has regard to.
    CIRCUMSTANCES = (
        ("single_agency_concern", "Cause for concern about the actions of a single agency"),
        ("no_agency_involvement", "No agency involvement, and this gives cause for concern"),
        (
            "several_areas_involved",
            "More than one local authority, police area or health board involved",
        ),
        ("institutional_setting", "Raises issues about safeguarding children in institutional settings"),
    )

    referral = models.OneToOneField(
        "referrals.Referral", on_delete=models.PROTECT, related_name="subgroup_decision"
    )
    outcome = models.CharField("decision", max_length=30, choices=Outcome.choices)
    decided_on = models.DateField("date of the decision")
    improvements_needed = models.BooleanField(CRITERIA[0][1])
    recurrent_themes = models.BooleanField(CRITERIA[1][1])
    agencies_working_together = models.BooleanField(CRITERIA[2][1])
    panel_suggested_local_review = models.BooleanField(CRITERIA[3][1])
    single_agency_concern = models.BooleanField(CIRCUMSTANCES[0][1])
    no_agency_involvement = models.BooleanField(CIRCUMSTANCES[1][1])
    several_areas_involved = models.BooleanField(CIRCUMSTANCES[2][1])
    institutional_setting = models.BooleanField(CIRCUMSTANCES[3][1])
    rationale = models.TextField()
    organisations = models.ManyToManyField(
        "accounts.Agency",
        blank=True,
        related_name="rapid_review_decisions",
        verbose_name="organisations taking part in the rapid review",
    )
    family_informed_on = models.DateField(
        "date the decision was communicated to the family", null=True, blank=True
    )
    referrer_informed_on = models.DateField(
        "date the decision was communicated to the referrer", null=True, blank=True
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = "subgroup decision"

    def __str__(self):
        return f"{self.referral.reference}: {self.get_outcome_display()}"

    @property
    def holds_rapid_review(self) -> bool:
        return self.outcome == self.Outcome.RAPID_REVIEW

    def criteria_answers(self):
        return [(label, getattr(self, name)) for name, label in self.CRITERIA]

    def circumstances_answers(self):
        return [(label, getattr(self, name)) for name, label in self.CIRCUMSTANCES]
