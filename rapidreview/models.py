"""What the subgroup writes while it reviews a case: the rapid review (procedure §9), the
local review (LCSPR, §10), its final report, recommendations and publication (§11), and
members' notes.

Every row hangs off the case (`referrals.Referral`), so access is always decided by
`Referral.objects.visible_to(user)` and, for the subgroup's deliberations, by
`rapidreview.permissions.can_see_deliberations(user)`. Rows are written only by
rapidreview.services.
"""

from django.conf import settings
from django.db import models

from cspr.accounts.roles import Role

from .uploads import CONTENT_TYPES, final_report_path


class NextStep(models.TextChoices):
    """What a rapid review recommends, and what the partners then decide (§9)."""

    LOCAL_REVIEW = "local_review", "A local child safeguarding practice review"
    NATIONAL_REVIEW = "national_review", "A national review, led by the National Panel"
    NO_FURTHER_REVIEW = "no_further_review", "No further review"


class RapidReview(models.Model):
    referral = models.OneToOneField(
        "referrals.Referral", on_delete=models.PROTECT, related_name="rapid_review"
    )
    started_on = models.DateField()
    organisations = models.ManyToManyField(
        "accounts.Agency", related_name="rapid_reviews", verbose_name="organisations taking part"
    )
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The four aims of a rapid review (§9), filled in when it is completed.
    facts_gathered = models.TextField("facts gathered", blank=True)
    immediate_action_needed = models.BooleanField("immediate action needed for children's safety", null=True)
    immediate_action_taken = models.TextField("action taken for children's safety", blank=True)
    improvements_identified = models.TextField("improvements identified", blank=True)
    learning_shared = models.TextField("learning shared with agencies", blank=True)
    recommendation = models.CharField(
        "recommended next step", max_length=30, choices=NextStep.choices, blank=True
    )
    recommendation_rationale = models.TextField("rationale for the recommendation", blank=True)
    completed_on = models.DateField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_to_panel_on = models.DateField("date sent to the National Panel", null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "rapid review"

    def __str__(self):
        return f"Rapid review of {self.referral.reference}"


class LocalReview(models.Model):
    """A local child safeguarding practice review (LCSPR)."""

    referral = models.OneToOneField(
        "referrals.Referral", on_delete=models.PROTECT, related_name="local_review"
    )
    decided_on = models.DateField("date the partners decided to hold a local review")
    reviewer_name = models.CharField("reviewer's name", max_length=200)
    reviewer_organisation = models.CharField("reviewer's organisation", max_length=200)
    commissioned_on = models.DateField("date the reviewer was commissioned")
    informed_on = models.DateField("date the Panel, Ofsted and DfE were informed", null=True, blank=True)
    methodology = models.TextField(blank=True)
    started_on = models.DateField(null=True, blank=True)
    commissioned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "local review (LCSPR)"
        verbose_name_plural = "local reviews (LCSPR)"

    def __str__(self):
        return f"Local review of {self.referral.reference}"


class Involvement(models.Model):
    """One contribution of practitioners or family members to a local review (§10)."""

    class Kind(models.TextChoices):
        PRACTITIONER = "practitioner", "Practitioners"
        FAMILY = "family", "Family"

    class Method(models.TextChoices):
        MEETING = "meeting", "Meeting or workshop"
        INTERVIEW = "interview", "Interview in person"
        CALL = "call", "Telephone or video call"
        WRITTEN = "written", "Written contribution"
        DECLINED = "declined", "Invited but declined"
        OTHER = "other", "Other"

    referral = models.ForeignKey("referrals.Referral", on_delete=models.PROTECT, related_name="involvement")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    who = models.CharField("who took part", max_length=200)
    happened_on = models.DateField("date")
    method = models.CharField("how", max_length=20, choices=Method.choices)
    details = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    # The form's one-time token: a repeated POST finds this row instead of adding another.
    token = models.UUIDField(unique=True)

    class Meta:
        ordering = ["happened_on", "id"]
        verbose_name = "involvement in a local review"
        verbose_name_plural = "involvement in local reviews"

    def __str__(self):
        return f"{self.get_kind_display()} involvement, {self.happened_on:%d %B %Y}"


class FinalReport(models.Model):
    """An uploaded final report. The newest row is the current version."""

    referral = models.ForeignKey("referrals.Referral", on_delete=models.PROTECT, related_name="final_reports")
    file = models.FileField(upload_to=final_report_path, max_length=200)
    kind = models.CharField(max_length=10, choices=[("pdf", "PDF"), ("docx", "Word document")])
    original_name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    received_on = models.DateField("date the final report was received")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()
    token = models.UUIDField(unique=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        get_latest_by = "uploaded_at"

    def __str__(self):
        return f"Final report {self.pk} for {self.referral.reference}"

    @property
    def download_name(self) -> str:
        """The file name a download gets: the case reference and version, never the uploader's."""
        return f"{self.referral.reference}-final-report-{self.pk}.{self.kind}"

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]


class RecommendationQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=Recommendation.Status.DONE)

    def visible_to(self, user):
        """The one scoping rule: the subgroup sees all; an agency lead sees their agency's."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_partnership:
            return self.all()
        if user.has_role(Role.AGENCY_LEAD) and user.agency_id:
            return self.filter(agencies=user.agency_id).distinct()
        return self.none()


class Recommendation(models.Model):
    """A recommendation of the final report: what is required, of whom, by when (§11)."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="recommendations"
    )
    number = models.PositiveIntegerField()
    required_action = models.TextField("what is required")
    agencies = models.ManyToManyField("accounts.Agency", related_name="recommendations")
    due_on = models.DateField("due by")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    token = models.UUIDField(unique=True)

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        ordering = ["referral_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "number"], name="recommendation_number_unique")
        ]

    def __str__(self):
        return f"{self.referral.reference} recommendation {self.number}"

    @property
    def audit_label(self) -> str:
        return f"{self.referral.reference} recommendation {self.number}"


class RecommendationUpdate(models.Model):
    """An agency's progress report on a recommendation; the log behind its status."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="updates")
    status = models.CharField(max_length=20, choices=Recommendation.Status.choices)
    note = models.TextField("progress")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    token = models.UUIDField(unique=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.recommendation} → {self.get_status_display()}"


class Publication(models.Model):
    """Publishing the final report, or only what should improve (§11)."""

    referral = models.OneToOneField(
        "referrals.Referral", on_delete=models.PROTECT, related_name="publication"
    )
    planned_on = models.DateField("planned publication date")
    sent_to_panel_sos_on = models.DateField(
        "date the final report was sent to the Panel and the Secretary of State", null=True, blank=True
    )
    full_report_published = models.BooleanField(null=True)
    published_on = models.DateField(null=True, blank=True)
    where_published = models.CharField("where it was published", max_length=300, blank=True)
    not_published_rationale = models.TextField("why the full report is not published", blank=True)
    improvements_summary = models.TextField("what was published about improvements", blank=True)

    def __str__(self):
        return f"Publication for {self.referral.reference}"


class CaseNote(models.Model):
    """A subgroup member's contribution to the case, mostly to the rapid review."""

    referral = models.ForeignKey("referrals.Referral", on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    text = models.TextField()
    token = models.UUIDField(unique=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Note on {self.referral.reference} by {self.author}"
