from django.conf import settings
from django.db import models


class ContactRole(models.TextChoices):
    """The teams and post-holders the procedure says must be told (§8.3–8.4, §9)."""

    LA_ASSISTANT_DIRECTOR = "la_assistant_director", "LA Assistant Director, Support and Safeguarding"
    LA_DIRECTOR = "la_director", "LA Director, People and Communities"
    POLICE_REVIEW_TEAM = "police_review_team", "Police major statutory crime review team"
    HEALTH_SAFEGUARDING = "health_safeguarding", "Health safeguarding team"
    COORDINATOR = "coordinator", "Partnership coordinator"
    LA_SERVICE_LEADER_QA = "la_service_leader_qa", "LA service leader, strategic safeguarding and QA"
    SUBGROUP_CHAIR = "subgroup_chair", "CSPR subgroup chair"
    OTHER = "other", "Other"


class ContactQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def with_roles(self, *roles):
        return self.filter(role__in=roles)


class Contact(models.Model):
    name = models.CharField(max_length=200)
    role = models.CharField("team or role", max_length=40, choices=ContactRole.choices)
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="contacts"
    )
    email = models.EmailField()
    active = models.BooleanField(default=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["role", "name"]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"


class NotificationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=Notification.Status.PENDING)


class Notification(models.Model):
    """One email owed to one recipient for one event: the outbox row.

    `key` is unique per (event, recipient), so raising the same event twice never
    writes, and so never sends, a second email.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled (contact made inactive)"

    key = models.CharField(max_length=255, unique=True)
    event = models.CharField(max_length=80)
    case_reference = models.CharField(max_length=40, blank=True, db_index=True)
    recipient_email = models.EmailField()
    recipient_contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications"
    )
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    template = models.CharField(max_length=100)
    # Only the allow-listed keys of services.SAFE_CONTEXT_KEYS ever get here.
    context = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    queued_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "queued_at"])]

    def __str__(self):
        return f"{self.event} → {self.recipient_email} ({self.status})"
