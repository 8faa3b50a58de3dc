"""The referral form's sections, one form per page (the repeating rows are in rows.py).

Every field is optional while a draft is saved for later; "Save and continue" and the
submission check what the form needs, with the rules in models.py. Forms validate and lay
out; the views hand their cleaned data to the services.
"""

from __future__ import annotations

import re
from datetime import datetime, time
from types import SimpleNamespace

from crispy_forms_gds.layout import Field
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from cspr.accounts.models import Agency
from cspr.forms import (
    GovDateField,
    form_helper,
    heading,
    mark_select_errors,
    max_length_of,
    set_length_messages,
    yes_no_field,
)

from ..models import (
    ETHNIC_ORIGIN_CHOICES,
    SECTION_FIELDS,
    ChildProtectionPlan,
    Referral,
    referral_field_problems,
)

ALWAYS_REFER = [
    ("looked_after_death", "Death of a looked-after child"),
    ("custody_death", "Death of a child in custody"),
    ("detained_death", "Death of a child detained under mental health or mental capacity grounds"),
]
ETHNIC_ORIGIN_FIELD_CHOICES = [("", "Select ethnic origin"), *ETHNIC_ORIGIN_CHOICES]

# How a too-long answer's message names a field whose label is a question or an "if".
LENGTH_NAMES = {
    "child_ethnic_origin_other": "The child’s ethnic group",
    "ethnic_origin_other": "Their ethnic group",
    "process_other": "The name of the process",
}


class SectionForm(forms.Form):
    """One section of the referral. `complete` asks for what a submission needs."""

    section = ""

    def __init__(self, data=None, *args, referral, complete: bool = False, now=None, **kwargs):
        self.referral = referral
        self.complete = complete
        self.now = now or timezone.now()
        self.today = timezone.localdate(self.now)
        if data is None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(referral)
        super().__init__(data, *args, **kwargs)
        set_length_messages(self, LENGTH_NAMES)
        self.helper = form_helper(*self.layout())

    @classmethod
    def initial_from(cls, referral) -> dict:
        return {field: getattr(referral, field) for field in SECTION_FIELDS[cls.section] if field != "agency"}

    def layout(self) -> list:
        return list(self.fields)

    def section_values(self) -> dict:
        """The cleaned data as the referral's own field values."""
        return {field: self.cleaned_data.get(field) for field in SECTION_FIELDS[self.section]}

    # Which form field shows a model field's problem, where they differ.
    error_fields: dict[str, str] = {}
    # The form fields a model field is made from, where they differ: when one of them is
    # already in error, the model field's own problem (such as "Enter the date and
    # time") would only repeat it.
    source_fields: dict[str, tuple[str, ...]] = {}

    def full_clean(self):
        super().full_clean()
        mark_select_errors(self)

    def clean(self):
        cleaned = super().clean()
        # Fields already in error count as blank here, so the other fields' problems
        # are all shown at once and no rule compares against a value that failed.
        values = self.section_values()
        overlay = SimpleNamespace(
            **{f.name: getattr(self.referral, f.name, None) for f in self.referral._meta.fields}
        )
        overlay.__dict__.update(values)
        problems = referral_field_problems(
            overlay, self.section, today=self.today, complete=self.complete, now=self.now
        )
        for field, message in self.extra_problems(overlay).items():
            problems.setdefault(field, message)
        for field, message in problems.items():
            target = self.error_fields.get(field, field)
            if any(source in self.errors for source in self.source_fields.get(field, ())):
                continue
            if target in self.fields and target not in self.errors:
                self.add_error(target, message)
        return cleaned

    def extra_problems(self, overlay) -> dict[str, str]:
        return {}


class ReferrerForm(SectionForm):
    section = "referrer"
    error_fields = {"aware_at": "aware_on"}
    source_fields = {"aware_at": ("aware_on", "aware_time")}

    referrer_name = forms.CharField(
        label="Your name", max_length=max_length_of(Referral, "referrer_name"), required=False
    )
    referrer_role = forms.CharField(
        label="Your role",
        max_length=max_length_of(Referral, "referrer_role"),
        required=False,
        help_text="For example, social worker or health visitor",
    )
    agency = forms.ModelChoiceField(
        label="Your agency",
        queryset=Agency.objects.all(),
        empty_label=None,
        error_messages={
            "required": "Select your agency",
            "invalid_choice": "Select your agency from the list",
        },
    )
    referrer_email = forms.EmailField(
        label="Your email address",
        max_length=max_length_of(Referral, "referrer_email"),
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.org"},
    )
    referrer_telephone = forms.CharField(
        label="Your telephone number",
        max_length=max_length_of(Referral, "referrer_telephone"),
        required=False,
        help_text="For example, 01632 960 001 or 07700 900 982",
    )
    aware_on = GovDateField(
        name="The date you became aware",
        label="Date you became aware of the incident",
        help_text="For example, 27 3 2026",
    )
    aware_time = forms.CharField(
        label="Time you became aware",
        max_length=8,
        required=False,
        help_text="Use the 24-hour clock, for example 09:30 or 14:45",
    )
    manager_name = forms.CharField(
        label="Name of team leader or manager",
        max_length=max_length_of(Referral, "manager_name"),
        required=False,
    )
    manager_role = forms.CharField(
        label="Their role", max_length=max_length_of(Referral, "manager_role"), required=False
    )
    manager_agreed_on = GovDateField(
        name="The date they agreed", label="Date they agreed the referral", help_text="For example, 27 3 2026"
    )
    disagreement_about_referral = yes_no_field(
        "Was there disagreement about whether to refer?",
        "Between you, your team leader or manager, or anyone else involved in the decision",
    )
    assistant_director_decision = forms.CharField(
        label="If there was disagreement: the Assistant Director’s decision",
        help_text=(
            "The procedure says a disagreement goes to the Assistant Director, Support and Safeguarding, "
            "for a decision. Give their name, the date and what they decided."
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].label_from_instance = lambda agency: agency.name

    @classmethod
    def initial_from(cls, referral) -> dict:
        initial = super().initial_from(referral)
        initial["agency"] = referral.agency_id
        if referral.aware_at:
            local = timezone.localtime(referral.aware_at)
            initial["aware_on"] = local.date()
            initial["aware_time"] = f"{local:%H:%M}"
        return initial

    def layout(self):
        return [
            heading("About you"),
            Field.text("referrer_name", autocomplete="name"),
            Field.text("referrer_role"),
            Field.select("agency"),
            Field.text("referrer_email", autocomplete="email", spellcheck="false"),
            Field.text("referrer_telephone", autocomplete="tel", field_width=20),
            heading(
                "When you became aware",
                "You must refer within one working day of becoming aware of the incident (procedure 8.4).",
            ),
            Field("aware_on"),
            Field.text("aware_time", field_width=5),
            heading(
                "Agreement with your team leader or manager",
                "Discuss the case with your team leader or manager before you refer (procedure 8.1–8.3).",
            ),
            Field.text("manager_name"),
            Field.text("manager_role"),
            Field("manager_agreed_on"),
            heading("Disagreement"),
            Field.radios("disagreement_about_referral", inline=True),
            Field.textarea("assistant_director_decision", rows=4),
        ]

    def clean_aware_time(self):
        value = self.cleaned_data["aware_time"].strip()
        if not value:
            return None
        match = re.fullmatch(r"([01]?[0-9]|2[0-3])[:.]?([0-5][0-9])", value)
        if not match:
            raise ValidationError(
                "Enter the time you became aware using the 24-hour clock, like 09:30 or 14:45"
            )
        return time(int(match[1]), int(match[2]))

    def clean(self):
        day, moment = self.cleaned_data.get("aware_on"), self.cleaned_data.get("aware_time")
        if "aware_on" not in self.errors and "aware_time" not in self.errors:
            if day and moment is None:
                self.add_error("aware_time", "Enter the time you became aware, like 09:30 or 14:45")
            elif moment is not None and day is None:
                self.add_error("aware_on", "Enter the date you became aware")
        return super().clean()

    def section_values(self):
        values = {
            field: self.cleaned_data.get(field)
            for field in SECTION_FIELDS[self.section]
            if field != "aware_at"
        }
        day, moment = self.cleaned_data.get("aware_on"), self.cleaned_data.get("aware_time")
        values["aware_at"] = (
            datetime.combine(day, moment, tzinfo=timezone.get_current_timezone()) if day and moment else None
        )
        return values


class ChildForm(SectionForm):
    section = "child"

    child_name = forms.CharField(
        label="Name of child", max_length=max_length_of(Referral, "child_name"), required=False
    )
    child_date_of_birth = GovDateField(
        name="The child’s date of birth", label="Date of birth", help_text="For example, 27 3 2019"
    )
    child_address = forms.CharField(
        label="Home address", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    carer = forms.CharField(
        label="Carer",
        max_length=max_length_of(Referral, "carer"),
        required=False,
        help_text="Name of the person who cares for the child, and their relationship to the child",
    )
    incident_date = GovDateField(
        name="The date of death or critical incident",
        label="Date of death or critical incident",
        help_text="For example, 27 3 2026",
    )
    incident_location = forms.CharField(
        label="Location of incident",
        max_length=max_length_of(Referral, "incident_location"),
        required=False,
        help_text="For example, the child’s home, a hospital or a public place",
    )
    child_ethnic_origin = forms.ChoiceField(
        label="Ethnic origin", choices=ETHNIC_ORIGIN_FIELD_CHOICES, required=False
    )
    child_ethnic_origin_other = forms.CharField(
        label="If other ethnic group, please specify",
        help_text="Only if you selected ‘Other ethnic group’",
        max_length=max_length_of(Referral, "child_ethnic_origin_other"),
        required=False,
    )
    child_faith = forms.CharField(
        label="Faith (optional)", max_length=max_length_of(Referral, "child_faith"), required=False
    )
    child_disability = forms.CharField(
        label="Disability (optional)",
        max_length=max_length_of(Referral, "child_disability"),
        required=False,
        help_text="Any disability the child has. Leave blank if none is known.",
    )
    child_protection_plan = forms.TypedChoiceField(
        label="Child protection plan",
        help_text="Is the child, or has the child been, the subject of a child protection plan?",
        choices=ChildProtectionPlan.choices,
        required=False,
        widget=forms.RadioSelect,
    )

    def layout(self):
        return [
            Field.text("child_name"),
            Field("child_date_of_birth"),
            Field.textarea("child_address", rows=4),
            Field.text("carer"),
            Field("incident_date"),
            Field.text("incident_location"),
            Field.select("child_ethnic_origin"),
            Field.text("child_ethnic_origin_other", field_width=20),
            Field.text("child_faith", field_width=20),
            Field.text("child_disability"),
            Field.radios("child_protection_plan"),
        ]

    def extra_problems(self, overlay):
        # The awareness date is on the referrer page; say it here too, where the
        # incident date is being changed.
        aware_on = timezone.localtime(overlay.aware_at).date() if overlay.aware_at else None
        if overlay.incident_date and aware_on and overlay.incident_date > aware_on:
            return {
                "incident_date": "The date of death or critical incident must be on or before the date you "
                f"became aware of it ({aware_on.day} {aware_on:%B %Y})"
            }
        return {}
