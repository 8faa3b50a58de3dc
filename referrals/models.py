"""The request for a Child Safeguarding Practice Review (procedure Appendix 2) and the case
it becomes.

A Referral starts as its author's draft, is submitted once, and from then on is the case
that moves through the lifecycle (CaseLifecycleMixin). Its family members, the other
agencies involved and the other processes the case is subject to are rows of their own.

The checks a submission must pass live here too (`submission_problems`), side-effect free,
so the section forms, the check-answers page and `referral_submit` apply one set of rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from cspr.accounts.roles import Role

from .lifecycle import CaseLifecycleMixin
from .states import CaseStatus

# Appendix 2's ethnic origin categories, in the form's groups (A–F).
ETHNIC_ORIGIN_CHOICES = [
    (
        "(A) White",
        [
            ("white_british", "White: British"),
            ("white_irish", "White: Irish"),
            ("white_other", "White: any other White background"),
        ],
    ),
    (
        "(B) Mixed",
        [
            ("mixed_asian_white", "Mixed: Asian and White"),
            ("mixed_black_african_white", "Mixed: Black African and White"),
            ("mixed_black_caribbean_white", "Mixed: Black Caribbean and White"),
            ("mixed_other", "Mixed: any other mixed background"),
        ],
    ),
    (
        "(C) Asian or Asian British",
        [
            ("asian_indian", "Asian or Asian British: Indian"),
            ("asian_pakistani", "Asian or Asian British: Pakistani"),
            ("asian_bangladeshi", "Asian or Asian British: Bangladeshi"),
            ("asian_chinese", "Asian or Asian British: Chinese"),
            ("asian_other", "Asian or Asian British: any other Asian background"),
        ],
    ),
    (
        "(D) Black or Black British",
        [
            ("black_caribbean", "Black or Black British: Caribbean"),
            ("black_african", "Black or Black British: African"),
            ("black_other", "Black or Black British: any other Black background"),
        ],
    ),
    ("(E) Other ethnic group", [("other", "Other ethnic group (please specify)")]),
    ("(F) Not declared", [("not_declared", "Not declared")]),
]
ETHNIC_ORIGIN_OTHER = "other"
ETHNIC_ORIGIN_LABELS = {value: label for _group, options in ETHNIC_ORIGIN_CHOICES for value, label in options}


def ethnic_origin_display(value: str, other: str) -> str:
    if value == ETHNIC_ORIGIN_OTHER:
        return f"Other ethnic group: {other}" if other else "Other ethnic group"
    return ETHNIC_ORIGIN_LABELS.get(value, "")


class ChildProtectionPlan(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    HAS_BEEN = "has_been", "Has been"
    NOT_KNOWN = "not_known", "Not known"


class AbuseOrNeglect(models.TextChoices):
    KNOWN = "known", "Known"
    SUSPECTED = "suspected", "Suspected"
    NEITHER = "neither", "Neither known nor suspected"


class ProcessKind(models.TextChoices):
    CORONER = "coroner", "Coroner’s inquest"
    CDOP = "cdop", "Child Death Overview Panel"
    CRIMINAL = "criminal", "Criminal proceedings"
    OTHER = "other", "Other"


@dataclass(frozen=True)
class Section:
    slug: str
    title: str


# The form's parts, in the order a practitioner fills them in (task list and check answers).
SECTIONS = (
    Section("referrer", "Referrer and your steps"),
    Section("child", "Child"),
    Section("family", "Family and significant others"),
    Section("criteria", "Rapid review criteria"),
    Section("summary", "Summary of events"),
    Section("others", "Other agencies and processes"),
)
SECTION_TITLES = {section.slug: section.title for section in SECTIONS}

# The referral's own fields each section edits (rows are in their own models).
SECTION_FIELDS = {
    "referrer": (
        "referrer_name",
        "referrer_role",
        "agency",
        "referrer_email",
        "referrer_telephone",
        "aware_at",
        "manager_name",
        "manager_role",
        "manager_agreed_on",
        "disagreement_about_referral",
        "assistant_director_decision",
    ),
    "child": (
        "child_name",
        "child_date_of_birth",
        "child_address",
        "carer",
        "incident_date",
        "incident_location",
        "child_ethnic_origin",
        "child_ethnic_origin_other",
        "child_faith",
        "child_disability",
        "child_protection_plan",
    ),
    "family": (),
    "criteria": (
        "is_deceased",
        "seriously_harmed",
        "harm_description",
        "abuse_or_neglect",
        "agencies_concern",
        "looked_after_death",
        "custody_death",
        "detained_death",
    ),
    "summary": ("summary_of_events",),
    "others": (),
}

# What a submission needs, with the message shown when it is missing. Everything not
# listed is optional and the form labels it "(optional)".
REQUIRED = {
    "referrer_name": "Enter your name",
    "referrer_role": "Enter your role",
    "referrer_email": "Enter your email address",
    "referrer_telephone": "Enter your telephone number",
    "aware_at": "Enter the date and time you became aware of the incident",
    "manager_name": "Enter the name of the team leader or manager who agreed the referral",
    "manager_role": "Enter the role of the team leader or manager",
    "manager_agreed_on": "Enter the date the team leader or manager agreed the referral",
    "disagreement_about_referral": "Select yes if anyone disagreed about whether to refer",
    "child_name": "Enter the child’s name",
    "child_date_of_birth": "Enter the child’s date of birth",
    "child_address": "Enter the child’s home address",
    "carer": "Enter the name of the child’s carer",
    "incident_date": "Enter the date of death or critical incident",
    "incident_location": "Enter where the incident happened",
    "child_ethnic_origin": "Select the child’s ethnic origin",
    "child_protection_plan": "Select whether the child has a child protection plan",
    "is_deceased": "Select yes if the child has died",
    "seriously_harmed": "Select yes if the child has been seriously harmed",
    "abuse_or_neglect": "Select whether abuse or neglect is known or suspected",
    "agencies_concern": "Select yes if there is cause for concern about how agencies worked together",
    "summary_of_events": "Enter a summary of events",
}
ROW_REQUIRED = {
    "family": {
        "name": "Enter the name of the family member or significant other",
        "relationship": "Enter their relationship to the child",
    },
    "agency": {
        "name": "Enter the name of the person involved",
        "agency_name": "Enter the agency they work for",
        "still_involved": "Select yes if they are still involved",
    },
    "process": {
        "process": "Select the process",
        "current_status": "Enter the current status of the process",
    },
}

TELEPHONE_RE = re.compile(r"^\+?[0-9 ()\-]{7,25}$")


def telephone_is_valid(value: str) -> bool:
    digits = re.sub(r"\D", "", value)
    return bool(TELEPHONE_RE.match(value.strip())) and 10 <= len(digits) <= 15


def _london_date(moment) -> date | None:
    return timezone.localtime(moment).date() if moment else None


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _eighteenth_birthday(born: date) -> date:
    try:
        return born.replace(year=born.year + 18)
    except ValueError:  # born on 29 February: the birthday is 1 March in a common year
        return date(born.year + 18, 3, 1)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def referral_field_problems(ref, section: str, *, today: date, complete: bool, now=None) -> dict[str, str]:
    """The problems with one section's fields of `ref`, as {field: message}.

    `ref` is anything with the Referral's attribute names (the instance, or the instance
    overlaid with a form's cleaned data). Consistency rules (dates not in the future, in
    the right order) always apply; `complete` adds what a submission needs.
    """
    problems: dict[str, str] = {}
    now = now or timezone.now()

    def add(field, message):
        problems.setdefault(field, message)

    if complete:
        for field in SECTION_FIELDS[section]:
            if field in REQUIRED and _blank(getattr(ref, field)):
                add(field, REQUIRED[field])

    if section == "referrer":
        aware_on = _london_date(ref.aware_at)
        if ref.aware_at and ref.aware_at > now:
            add("aware_at", "The date and time you became aware must be in the past")
        elif aware_on and ref.incident_date and aware_on < ref.incident_date:
            add(
                "aware_at",
                "The date you became aware must be on or after the date of death or critical incident "
                f"({_long_date(ref.incident_date)})",
            )
        if ref.manager_agreed_on:
            if ref.manager_agreed_on > today:
                add("manager_agreed_on", "The date the manager agreed must be today or in the past")
            elif aware_on and ref.manager_agreed_on < aware_on:
                add(
                    "manager_agreed_on",
                    "The date the manager agreed must be on or after the date you became aware",
                )
        if ref.referrer_telephone and not telephone_is_valid(ref.referrer_telephone):
            add(
                "referrer_telephone",
                "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192",
            )
        if complete and ref.disagreement_about_referral and _blank(ref.assistant_director_decision):
            add(
                "assistant_director_decision",
                "Enter the Assistant Director’s decision on the disagreement",
            )

    elif section == "child":
        if ref.child_date_of_birth and ref.child_date_of_birth > today:
            add("child_date_of_birth", "The child’s date of birth must be today or in the past")
        if ref.incident_date:
            if ref.incident_date > today:
                add("incident_date", "The date of death or critical incident must be today or in the past")
            elif ref.child_date_of_birth and ref.incident_date < ref.child_date_of_birth:
                add(
                    "incident_date",
                    "The date of death or critical incident must be on or after the child’s date of birth",
                )
            elif ref.child_date_of_birth and ref.incident_date >= _eighteenth_birthday(
                ref.child_date_of_birth
            ):
                # A practice review is about a child (Children Act 2004 s16C): someone 18
                # or over at the incident is almost always a mistyped year.
                add(
                    "child_date_of_birth",
                    "The child’s date of birth must be less than 18 years before the date of death or "
                    "critical incident",
                )
        if (
            complete
            and ref.child_ethnic_origin == ETHNIC_ORIGIN_OTHER
            and _blank(ref.child_ethnic_origin_other)
        ):
            add("child_ethnic_origin_other", "Enter the child’s ethnic group")

    elif section == "criteria":
        if complete:
            if ref.seriously_harmed and _blank(ref.harm_description):
                add("harm_description", "Describe the serious harm to the child")
            if ref.is_deceased is False and ref.seriously_harmed is False:
                add(
                    "is_deceased",
                    "A practice review is for a child who has died or been seriously harmed: "
                    "answer yes to at least one of the first two questions",
                )
        always_refer = ref.looked_after_death or ref.custody_death or ref.detained_death
        if always_refer and ref.is_deceased is False:
            add(
                "is_deceased",
                "You selected a death that must always be referred: answer yes to "
                "‘Has the child died?’, or clear that selection",
            )

    return problems


def referral_row_problems(kind: str, row, *, today: date, complete: bool) -> dict[str, str]:
    """The problems with one repeating row (family member, agency or process)."""
    problems: dict[str, str] = {}
    if complete:
        for field, message in ROW_REQUIRED[kind].items():
            if _blank(getattr(row, field)):
                problems[field] = message
    if kind == "family":
        if row.date_of_birth and row.date_of_birth > today:
            problems.setdefault("date_of_birth", "Date of birth must be today or in the past")
        if complete and row.ethnic_origin == ETHNIC_ORIGIN_OTHER and _blank(row.ethnic_origin_other):
            problems.setdefault("ethnic_origin_other", "Enter their ethnic group")
    if kind == "process" and complete and row.process == ProcessKind.OTHER and _blank(row.process_other):
        problems.setdefault("process_other", "Enter the name of the process")
    return problems


@dataclass(frozen=True)
class Problem:
    """One reason a referral cannot be submitted yet, and where to fix it."""

    section: str
    field: str
    message: str
    row: int | None = None  # 1-based position of a repeating row


def _can_submit(referral, user) -> bool:
    return user.pk == referral.created_by_id and user.has_role(Role.PRACTITIONER)


def _is_author(referral, user) -> bool:
    return user.pk == referral.created_by_id


# Submitted at some point: not a draft, and not a draft its author withdrew unsent.
SUBMITTED_Q = ~Q(status=CaseStatus.DRAFT) & ~Q(status=CaseStatus.WITHDRAWN, submitted_at__isnull=True)


class ReferralQuerySet(models.QuerySet):
    def drafts(self):
        return self.filter(status=CaseStatus.DRAFT)

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

    # Transitions: no side effects; referral_submit / referral_withdraw_draft do the work.
    @transition(field=status, source=CaseStatus.DRAFT, target=CaseStatus.SUBMITTED, permission=_can_submit)
    def submit(self):
        """The author sends the completed form to the partnership."""

    @transition(field=status, source=CaseStatus.DRAFT, target=CaseStatus.WITHDRAWN, permission=_is_author)
    def withdraw_draft(self):
        """The author abandons a draft they will not submit."""

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


# The subgroup decision and the case's transition log belong to this app too.
from .lifecycle_models import CaseTransition, SubgroupDecision  # noqa: E402, F401
