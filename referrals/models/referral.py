"""The request for a Child Safeguarding Practice Review (procedure Appendix 2) and the case
it becomes.

A Referral starts as its author's draft, is submitted once, and from then on is the case
that moves through the lifecycle (CaseLifecycleMixin). Its family members, the other
agencies involved and the other processes the case is subject to are rows of their own.

What a submission needs is asked of the form's rules (models.form) through
`submission_problems`, so the section forms, the check-answers page and `referral_submit`
apply one set of rules.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField

from cspr.accounts.roles import Role
from referrals.lifecycle.states import CaseStatus
from referrals.lifecycle.transitions import CaseLifecycleMixin

from .form import (
    ETHNIC_ORIGIN_CHOICES,
    SECTIONS,
    AbuseOrNeglect,
    ChildProtectionPlan,
    Problem,
    ProcessKind,
    ethnic_origin_display,
    referral_field_problems,
    referral_row_problems,
)

# Submitted at some point: not a draft, and not a draft its author withdrew unsent.
SUBMITTED_Q = ~Q(status=CaseStatus.DRAFT) & ~Q(status=CaseStatus.WITHDRAWN, submitted_at__isnull=True)


class ReferralQuerySet(models.QuerySet):
    def submitted(self):
        """Referrals that have been submitted, whatever has happened since.

        An abandoned draft (withdrawn before submission) stays its author's only.
        """
        return self.filter(SUBMITTED_Q)

    def awaiting_decision(self):
        return self.filter(status=CaseStatus.SUBMITTED)

    def visible_to(self, user):
        """The one scoping rule for referrals.

        Authors see their own referrals, drafts included; an agency safeguarding lead sees
        their agency's submitted referrals; the chair, members, coordinator and
        administrators see every submitted referral. Nobody sees another person's draft.
        """
        if user is None or not user.is_authenticated or not user.is_active or not user.roles:
            return self.none()
        scope = Q(created_by=user)
        if user.is_partnership or user.has_role(Role.ADMINISTRATOR):
            scope |= SUBMITTED_Q
        elif user.has_role(Role.AGENCY_LEAD) and user.agency_id:
            scope |= SUBMITTED_Q & Q(agency_id=user.agency_id)
        return self.filter(scope)


class Referral(CaseLifecycleMixin, ConcurrentTransitionMixin, models.Model):
    """A request for a review (Appendix 2), and the case it becomes once submitted."""

    reference = models.CharField(max_length=20, unique=True, null=True, blank=True, editable=False)
    status = FSMField(choices=CaseStatus.choices, default=CaseStatus.DRAFT, protected=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_created"
    )
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="referrals")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The one-time token of the start page, so a double click makes one draft, not two.
    start_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # Sections saved with "Save and continue" at least once (task list status).
    sections_saved = models.JSONField(default=list, blank=True)

    # 1. Referrer
    referrer_name = models.CharField("your name", max_length=200, blank=True)
    referrer_role = models.CharField("your role", max_length=200, blank=True)
    referrer_email = models.EmailField("your email address", blank=True)
    referrer_telephone = models.CharField("your telephone number", max_length=40, blank=True)

    # The practitioner's own steps (procedure 8.1–8.4).
    aware_at = models.DateTimeField("when you became aware of the incident", null=True, blank=True)
    manager_name = models.CharField("team leader or manager", max_length=200, blank=True)
    manager_role = models.CharField("their role", max_length=200, blank=True)
    manager_agreed_on = models.DateField("date they agreed the referral", null=True, blank=True)
    disagreement_about_referral = models.BooleanField(
        "disagreement about whether to refer", null=True, blank=True
    )
    assistant_director_decision = models.TextField("Assistant Director’s decision", blank=True)

    # 2. The child
    child_name = models.CharField("name of child", max_length=200, blank=True)
    child_date_of_birth = models.DateField("date of birth", null=True, blank=True)
    child_address = models.TextField("home address", blank=True)
    carer = models.CharField(max_length=200, blank=True)
    incident_date = models.DateField("date of death or critical incident", null=True, blank=True)
    incident_location = models.CharField("location of incident", max_length=300, blank=True)
    child_ethnic_origin = models.CharField(
        "ethnic origin", max_length=40, choices=ETHNIC_ORIGIN_CHOICES, blank=True
    )
    child_ethnic_origin_other = models.CharField("other ethnic group", max_length=100, blank=True)
    child_faith = models.CharField("faith", max_length=100, blank=True)
    child_disability = models.CharField("disability", max_length=300, blank=True)
    child_protection_plan = models.CharField(max_length=20, choices=ChildProtectionPlan.choices, blank=True)

    # 4. Rapid review criteria
    is_deceased = models.BooleanField("the child has died", null=True, blank=True)
    seriously_harmed = models.BooleanField("the child has been seriously harmed", null=True, blank=True)
    harm_description = models.TextField("description of the serious harm", blank=True)
    abuse_or_neglect = models.CharField(max_length=20, choices=AbuseOrNeglect.choices, blank=True)
    agencies_concern = models.BooleanField(
        "cause for concern about how agencies worked together", null=True, blank=True
    )
    # Appendix 3: always referred, whatever else is known.
    looked_after_death = models.BooleanField("death of a looked-after child", default=False)
    custody_death = models.BooleanField("death of a child in custody", default=False)
    detained_death = models.BooleanField(
        "death of a child detained under mental health or mental capacity grounds", default=False
    )

    # 5. Summary of events
    summary_of_events = models.TextField(blank=True)

    # The local authority's awareness starts its 5-working-day clocks (procedure §5).
    la_aware_on = models.DateField("date the local authority became aware", null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates"
    )

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-created_at", "-id"]
        indexes = [models.Index(fields=["status", "agency"])]

    def __str__(self):
        return self.audit_label

    @property
    def audit_label(self) -> str:
        """How the audit trail and admin name the referral: never the child's name."""
        return self.reference or f"draft #{self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.status == CaseStatus.DRAFT

    @property
    def acknowledgement_email(self) -> str:
        """Where the referrer's acknowledgement goes: their account's address, which the
        partnership knows is theirs, or the one on the form if the account has none."""
        return self.created_by.email or self.referrer_email

    @property
    def needs_sos_ofsted_notification(self) -> bool:
        """The LA must notify the Secretary of State and Ofsted (procedure §5, Appendix 3)."""
        return self.looked_after_death

    @property
    def always_refer_labels(self) -> list[str]:
        fields = ("looked_after_death", "custody_death", "detained_death")
        return [self._meta.get_field(f).verbose_name for f in fields if getattr(self, f)]

    @property
    def child_ethnic_origin_label(self) -> str:
        return ethnic_origin_display(self.child_ethnic_origin, self.child_ethnic_origin_other)

    def section_problems(
        self, section: str, *, today: date, complete: bool = True, now=None
    ) -> list[Problem]:
        if section == "family":
            rows = [("family", row) for row in self.family_members.all()]
        elif section == "others":
            rows = [("agency", row) for row in self.involved_agencies.all()] + [
                ("process", row) for row in self.other_processes.all()
            ]
        else:
            return [
                Problem(section, field, message)
                for field, message in referral_field_problems(
                    self, section, today=today, complete=complete, now=now
                ).items()
            ]
        problems = []
        counters: dict[str, int] = {}
        for kind, row in rows:
            counters[kind] = counters.get(kind, 0) + 1
            for field, message in referral_row_problems(kind, row, today=today, complete=complete).items():
                problems.append(Problem(section, f"{kind}-{field}", message, row=counters[kind]))
        return problems

    def submission_problems(self, *, now=None) -> list[Problem]:
        """Everything that stops this referral being submitted, section by section."""
        now = now or timezone.now()
        today = timezone.localdate(now)
        return [
            problem
            for section in SECTIONS
            for problem in self.section_problems(section.slug, today=today, now=now)
        ]

    def section_status(self, section: str, *, today: date) -> str:
        """The task list's word for a section: Not started, In progress or Completed."""
        if section not in self.sections_saved:
            return "Not started"
        return "In progress" if self.section_problems(section, today=today) else "Completed"


class FamilyMember(models.Model):
    """A row of Appendix 2 part 3: family and significant others."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="family_members")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=200, blank=True)
    relationship = models.CharField("relationship to child", max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    address = models.TextField(blank=True)
    ethnic_origin = models.CharField(max_length=40, choices=ETHNIC_ORIGIN_CHOICES, blank=True)
    ethnic_origin_other = models.CharField("other ethnic group", max_length=100, blank=True)

    class Meta:
        ordering = ["referral", "position", "id"]

    def __str__(self):
        return f"Family member {self.position} of {self.referral.audit_label}"

    @property
    def ethnic_origin_label(self) -> str:
        return ethnic_origin_display(self.ethnic_origin, self.ethnic_origin_other)


class InvolvedAgency(models.Model):
    """A row of Appendix 2 part 6: another agency involved in the child's care."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="involved_agencies")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=200, blank=True)
    agency_name = models.CharField("agency", max_length=200, blank=True)
    contact_details = models.TextField(blank=True)
    still_involved = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["referral", "position", "id"]
        verbose_name_plural = "involved agencies"

    def __str__(self):
        return f"Agency {self.position} of {self.referral.audit_label}"


class OtherProcess(models.Model):
    """A row of Appendix 2 part 6: another process the case is subject to."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="other_processes")
    position = models.PositiveSmallIntegerField(default=0)
    process = models.CharField(max_length=20, choices=ProcessKind.choices, blank=True)
    process_other = models.CharField("name of the process", max_length=200, blank=True)
    current_status = models.TextField(blank=True)

    class Meta:
        ordering = ["referral", "position", "id"]
        verbose_name_plural = "other processes"

    def __str__(self):
        return f"Process {self.position} of {self.referral.audit_label}"

    @property
    def process_label(self) -> str:
        if self.process == ProcessKind.OTHER and self.process_other:
            return self.process_other
        return self.get_process_display()


class ReferenceCounter(models.Model):
    """The last reference number given out in a year; its row is locked to give the next."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last_number}"
