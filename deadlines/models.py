import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_comma_separated_integer_list
from django.db import models
from django.db.models import F

from cspr.accounts.roles import Role
from cspr.notifications.models import ContactRole
from referrals.lifecycle.states import CaseStatus
from referrals.models import Referral


class CalendarVersion(models.Model):
    """One row whose number goes up whenever the calendar's data change.

    Every process caches the calendar and compares this number now and then, so a
    closure day added in the admin reaches the web and worker processes alike.
    """

    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "calendar version"

    def __str__(self):
        return f"Calendar version {self.version}"

    @classmethod
    def current(cls) -> int:
        return cls.objects.filter(pk=1).values_list("version", flat=True).first() or 0

    @classmethod
    def bump(cls, *, now=None) -> None:
        updated = cls.objects.filter(pk=1).update(version=F("version") + 1, changed_at=now)
        if not updated:
            cls.objects.get_or_create(pk=1, defaults={"version": 1, "changed_at": now})


def _must_be_weekday(day) -> None:
    if day and day.weekday() >= 5:
        raise ValidationError(
            {"day": f"{day:%A %d %B %Y} is a weekend day, which is never a working day anyway"}
        )


class ClosureDay(models.Model):
    """A weekday the partnership's offices are closed, which deadlines do not count."""

    day = models.DateField(unique=True, help_text="For example, 24 December.")
    reason = models.CharField(
        max_length=200, help_text="Shown in deadline explanations, for example 'office closed for Christmas'."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["day"]
        verbose_name = "closure day"

    def __str__(self):
        return f"{self.day:%a %d %b %Y}: {self.reason}"

    def clean(self):
        _must_be_weekday(self.day)


class ExtraHoliday(models.Model):
    """A one-off bank holiday announced after the installed calendar package was released."""

    day = models.DateField(unique=True)
    name = models.CharField(
        max_length=200, help_text="As GOV.UK names it, for example 'Coronation bank holiday'."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["day"]
        verbose_name = "one-off bank holiday"
        verbose_name_plural = "one-off bank holidays"

    def __str__(self):
        return f"{self.day:%a %d %b %Y}: {self.name}"

    def clean(self):
        _must_be_weekday(self.day)


class DeadlineRule(models.Model):
    """One row of the statutory and local timescales (TIMELINE.md), as data."""

    class Event(models.TextChoices):
        REFERRAL_SUBMITTED = "referral_submitted", "The referral is submitted"
        RAPID_REVIEW_DECIDED = "rapid_review_decided", "The subgroup decides to hold a rapid review"
        RAPID_REVIEW_STARTED = "rapid_review_started", "The rapid review starts"
        RAPID_REVIEW_COMPLETED = "rapid_review_completed", "The rapid review is completed"
        LOCAL_REVIEW_DECIDED = "local_review_decided", "The decision to hold a local review"
        PUBLICATION_PLANNED = "publication_planned", "A publication date is planned"

    class Anchor(models.TextChoices):
        PRACTITIONER_AWARE = "practitioner_aware", "The practitioner becoming aware of the incident"
        LA_AWARE = "la_aware", "The local authority becoming aware of the incident"
        INCIDENT = "incident", "The incident"
        EVENT = "event", "The date of the event that opens it"

    class Unit(models.TextChoices):
        WORKING_DAYS = "working_days", "Working days"
        CALENDAR_MONTHS = "calendar_months", "Calendar months"

    code = models.SlugField(max_length=60, unique=True, help_text="Used by the application; do not change.")
    label = models.CharField(
        max_length=200, help_text="What has to be done, for example 'Notify the National Panel'."
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Position in lists and timelines.")
    opened_by = models.CharField(max_length=40, choices=Event.choices)
    anchor = models.CharField(max_length=30, choices=Anchor.choices)
    anchor_label = models.CharField(
        max_length=200, help_text="The anchor in words, for example 'the local authority becoming aware'."
    )
    length = models.IntegerField(
        help_text="How many units after the anchor. Negative means before it (for example -7 working days "
        "before the planned publication date)."
    )
    unit = models.CharField(max_length=20, choices=Unit.choices, default=Unit.WORKING_DAYS)
    is_target = models.BooleanField(
        default=False,
        help_text="The procedure says 'as soon as': the length is the partnership's own target, shown as "
        "a target.",
    )
    met_on_opening = models.BooleanField(
        "met by the event that opens it",
        default=False,
        help_text="Closed as soon as it opens: met if the opening event was in time, missed if not "
        "(the referral itself, within 1 working day of awareness).",
    )
    looked_after_death_only = models.BooleanField(
        default=False, help_text="Opened only when the referral is about the death of a looked-after child."
    )
    responsible = models.CharField(max_length=200, help_text="Who must do it, for example 'Local authority'.")
    remind_days_before = models.CharField(
        "remind this many working days before",
        max_length=40,
        blank=True,
        default="1",
        validators=[validate_comma_separated_integer_list],
        help_text="Working days before the due day, separated by commas (for example '3,1'). "
        "Leave empty for none.",
    )
    remind_on_due_day = models.BooleanField(default=True)
    remind_referrer = models.BooleanField(
        default=False, help_text="Remind the practitioner who made the referral."
    )
    remind_user_roles = models.JSONField(
        default=list, blank=True, help_text="Users holding these roles are reminded."
    )
    remind_contact_roles = models.JSONField(
        default=list, blank=True, help_text="Contacts in these teams or roles are reminded."
    )
    escalate_contact_roles = models.JSONField(
        default=list, blank=True, help_text="Contacts told as well once the deadline is overdue."
    )
    repeat_overdue = models.BooleanField(
        default=True, help_text="While overdue, remind again every working day."
    )
    source = models.TextField(help_text="The legal or local source, for example 'Children Act 2004 s16C(1)'.")
    active = models.BooleanField(default=True, help_text="Inactive rules open no new deadlines.")

    class Meta:
        ordering = ["order", "code"]
        verbose_name = "deadline rule"

    def __str__(self):
        return self.label

    def reminder_days(self) -> list[int]:
        return sorted(
            {int(n) for n in self.remind_days_before.split(",") if n.strip() and int(n) > 0}, reverse=True
        )

    @property
    def length_text(self) -> str:
        return ("target: " if self.is_target else "") + self.span_text

    @property
    def span_text(self) -> str:
        """ "5 working days after the local authority becoming aware of the incident"."""
        n = abs(self.length)
        if self.unit == self.Unit.CALENDAR_MONTHS:
            unit = "calendar month" if n == 1 else "calendar months"
        else:
            unit = "working day" if n == 1 else "working days"
        direction = "before" if self.length < 0 else "after"
        return f"{n} {unit} {direction} {self.anchor_label}"

    def remind_user_role_labels(self) -> list[str]:
        return [Role(r).label for r in self.remind_user_roles if r in Role.values]

    def contact_role_labels(self, roles) -> list[str]:
        return [ContactRole(r).label for r in roles if r in ContactRole.values]


class DeadlineQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one scoping rule for deadlines: the partnership sees every case's; agency
        leads their agency's submitted referrals'; practitioners their own referrals'."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_partnership:
            return self.exclude(referral__status=CaseStatus.DRAFT)
        return self.filter(
            referral__in=Referral.objects.visible_to(user).exclude(status=CaseStatus.DRAFT).values("pk")
        )

    def open(self):
        return self.filter(status=Deadline.Status.OPEN)

    def overdue(self, now):
        return self.open().filter(due_at__lt=now)

    def most_urgent_first(self):
        return self.order_by("due_at", "rule__order", "pk")


class Deadline(models.Model):
    """One statutory or local deadline of one case: when it runs from, when it falls
    due, and what became of it. Changed only through deadlines.services."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MET = "met", "Met"
        MISSED = "missed", "Missed"
        WAIVED = "waived", "Waived"
        DUPLICATE = "duplicate", "Closed: duplicate referral"

    referral = models.ForeignKey("referrals.Referral", on_delete=models.CASCADE, related_name="deadlines")
    rule = models.ForeignKey(DeadlineRule, on_delete=models.PROTECT, related_name="deadlines")
    anchor_date = models.DateField()
    due_date = models.DateField(db_index=True)
    # 23:59:59 Europe/London of due_date.
    due_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    explanation = models.TextField(blank=True)
    opened_at = models.DateTimeField()
    met_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    waived_reason = models.TextField(blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The latest reminder stage written to the outbox ("reminder:2026-01-05", "due",
    # "overdue:2026-01-07"), so a sweep skips deadlines it has already dealt with
    # without asking the outbox row by row.
    reminded_stage = models.CharField(max_length=40, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["referral", "rule"], name="deadline_unique_per_rule")]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self):
        return f"{self.rule} (due {self.due_date:%d %b %Y})"

    @property
    def audit_label(self) -> str:
        return f"{self.referral.reference or self.referral_id}: {self.rule.code}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_waived(self) -> bool:
        return self.status == self.Status.WAIVED

    def is_overdue(self, now) -> bool:
        return self.is_open and now > self.due_at

    @property
    def met_late(self) -> bool:
        return self.status == self.Status.MISSED and self.met_at is not None


class StatutoryNotification(models.Model):
    """A record that the local authority told someone the law or the procedure says it
    must tell (procedure §5): recording it meets the matching deadline."""

    class Kind(models.TextChoices):
        NATIONAL_PANEL = "notify_national_panel", "National Panel notified"
        PARTNERS = "report_to_partners", "Safeguarding partners told"
        SOS_OFSTED = "notify_sos_ofsted", "Secretary of State and Ofsted told"

    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.CASCADE, related_name="statutory_notifications"
    )
    kind = models.CharField(max_length=40, choices=Kind.choices)
    notified_on = models.DateField()
    reference = models.CharField(
        "notification reference",
        max_length=100,
        blank=True,
        help_text="The National Panel's notification reference.",
    )
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["notified_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "kind"], name="statutory_notification_once_per_kind")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.notified_on:%d %b %Y}"

    @property
    def audit_label(self) -> str:
        return f"{self.referral.reference or self.referral_id}: {self.kind}"


class CalendarFeedTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeedToken(models.Model):
    """The secret in a user's personal iCalendar feed address. Revoking it stops the feed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed_tokens"
    )
    token = models.CharField(max_length=64, unique=True, default=_new_token)
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = CalendarFeedTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "calendar feed address"
        verbose_name_plural = "calendar feed addresses"

    def __str__(self):
        state = "revoked" if self.revoked_at else "active"
        return f"Calendar feed of {self.user} ({state})"

    @property
    def audit_label(self) -> str:
        return f"feed of {self.user.get_username()}"
