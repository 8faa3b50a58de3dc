"""The request-for-review form (procedure Appendix 2) as data: its choices, its sections
and the checks a submission must pass.

The checks are side-effect free (`referral_field_problems`, `referral_row_problems`), so
the section forms, the check-answers page and `referral_submit` apply one set of rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils import timezone

from cspr.dates import long_date

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
                f"({long_date(ref.incident_date)})",
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
