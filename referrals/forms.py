"""The referral form's sections, one form (and any row formsets) per page.

Every field is optional while a draft is saved for later; "Save and continue" and the
submission check what the form needs, with the rules in models.py. Forms validate and lay
out; the views hand their cleaned data to the services.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from types import SimpleNamespace

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Layout, Size
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from cspr.accounts.models import Agency

from .models import (
    ETHNIC_ORIGIN_CHOICES,
    SECTION_FIELDS,
    AbuseOrNeglect,
    ChildProtectionPlan,
    ProcessKind,
    referral_field_problems,
    referral_row_problems,
)

YES_NO = [(True, "Yes"), (False, "No")]
ALWAYS_REFER = [
    ("looked_after_death", "Death of a looked-after child"),
    ("custody_death", "Death of a child in custody"),
    ("detained_death", "Death of a child detained under mental health or mental capacity grounds"),
]
ETHNIC_ORIGIN_FIELD_CHOICES = [("", "Select ethnic origin"), *ETHNIC_ORIGIN_CHOICES]
EARLIEST_DATE = date(1900, 1, 1)


def _to_bool(value):
    return {"True": True, "False": False}.get(value, value)


def yes_no_field(label: str, help_text: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=YES_NO,
        coerce=_to_bool,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )


class GovDateField(DateInputField):
    """A day, month and year date input whose messages name the date, GOV.UK style."""

    def __init__(self, *, name: str, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("require_all_fields", False)
        super().__init__(**kwargs)
        self.name = name
        day, month, year = self.fields
        # Parts may be left blank on their own only when the whole date is blank.
        for part, word in ((day, "day"), (month, "month"), (year, "year")):
            part.required = True
            part.error_messages["incomplete"] = f"{name} must include a {word}"
            part.validators = [
                validator
                for validator in part.validators
                if not getattr(validator, "regex", None) or validator.regex.pattern != "^[0-9]+$"
            ]
            part.validators.append(_number_validator(f"{name} must be a real date"))
        year.validators.append(_year_validator(f"{name}: year must include 4 numbers"))

    def compress(self, data_list):
        if not data_list or not all(data_list):
            return None
        day, month, year = (int(value) for value in data_list)
        try:
            value = date(year, month, day)
        except (ValueError, OverflowError) as exc:
            raise ValidationError(f"{self.name} must be a real date", code="invalid") from exc
        if value < EARLIEST_DATE:
            # Nothing on this form is that old: it is a mistyped year (0219 for 2019).
            raise ValidationError(f"{self.name} must be after 31 December 1899", code="too_early")
        return value


def _number_validator(message):
    def validate(value):
        if not re.fullmatch(r"\s*[0-9]+\s*", value or ""):
            raise ValidationError(message, code="invalid")

    return validate


def _year_validator(message):
    def validate(value):
        if not re.fullmatch(r"\s*[0-9]{4}\s*", value or ""):
            raise ValidationError(message, code="invalid")

    return validate


def _helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    if layout:
        helper.layout = Layout(*layout)
    return helper


def heading(text: str, hint: str = "") -> HTML:
    hint_html = f'<p class="govuk-body">{hint}</p>' if hint else ""
    return HTML(f'<h2 class="govuk-heading-m govuk-!-margin-top-6">{text}</h2>{hint_html}')


# How a too-long answer's message names a field whose label is a question or an "if".
LENGTH_NAMES = {
    "child_ethnic_origin_other": "The child’s ethnic group",
    "ethnic_origin_other": "Their ethnic group",
    "process_other": "The name of the process",
}


def set_length_messages(form) -> None:
    """GOV.UK-style messages for answers that are too long ("Name of child must be 200
    characters or fewer"), instead of Django's generic one."""
    for name, field in form.fields.items():
        limit = getattr(field, "max_length", None)
        if limit and isinstance(field, forms.CharField):
            label = LENGTH_NAMES.get(name) or str(field.label).removesuffix(" (optional)")
            field.error_messages["max_length"] = f"{label} must be {limit} characters or fewer"


def mark_select_errors(form) -> None:
    """Give a select in error the GOV.UK error border.

    crispy-forms-gds marks it with the text input's error class, which the select's own
    border style overrides, so without this a select in error does not look it.
    """
    for name in form.errors:
        field = form.fields.get(name)
        if field is not None and isinstance(field.widget, forms.Select):
            classes = field.widget.attrs.get("class", "").split()
            if "govuk-select--error" not in classes:
                field.widget.attrs["class"] = " ".join([*classes, "govuk-select--error"])


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
        set_length_messages(self)
        self.helper = _helper(*self.layout())

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

    referrer_name = forms.CharField(label="Your name", max_length=200, required=False)
    referrer_role = forms.CharField(
        label="Your role",
        max_length=200,
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
        max_length=254,
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.org"},
    )
    referrer_telephone = forms.CharField(
        label="Your telephone number",
        max_length=40,
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
    manager_name = forms.CharField(label="Name of team leader or manager", max_length=200, required=False)
    manager_role = forms.CharField(label="Their role", max_length=200, required=False)
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

    child_name = forms.CharField(label="Name of child", max_length=200, required=False)
    child_date_of_birth = GovDateField(
        name="The child’s date of birth", label="Date of birth", help_text="For example, 27 3 2019"
    )
    child_address = forms.CharField(
        label="Home address", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    carer = forms.CharField(
        label="Carer",
        max_length=200,
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
        max_length=300,
        required=False,
        help_text="For example, the child’s home, a hospital or a public place",
    )
    child_ethnic_origin = forms.ChoiceField(
        label="Ethnic origin", choices=ETHNIC_ORIGIN_FIELD_CHOICES, required=False
    )
    child_ethnic_origin_other = forms.CharField(
        label="If other ethnic group, please specify",
        help_text="Only if you selected ‘Other ethnic group’",
        max_length=100,
        required=False,
    )
    child_faith = forms.CharField(label="Faith (optional)", max_length=100, required=False)
    child_disability = forms.CharField(
        label="Disability (optional)",
        max_length=300,
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


class CriteriaForm(SectionForm):
    section = "criteria"

    is_deceased = yes_no_field("Has the child died?")
    seriously_harmed = yes_no_field(
        "Has the child been seriously harmed?",
        "Serious harm includes serious or long-term impairment of a child’s mental health, physical health, "
        "or intellectual, emotional, social or behavioural development. Even if a child recovers, serious "
        "harm may still have occurred.",
    )
    harm_description = forms.CharField(
        label="If the child has been seriously harmed: describe the harm",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    abuse_or_neglect = forms.TypedChoiceField(
        label="Is abuse or neglect known or suspected to be a cause of the death or harm to the child?",
        choices=AbuseOrNeglect.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    agencies_concern = yes_no_field(
        "Is there cause for concern about the way agencies or other relevant people have worked together "
        "to safeguard the child?"
    )
    always_refer = forms.MultipleChoiceField(
        label="Is this one of the deaths that must always be referred? (optional)",
        help_text="Select all that apply. Leave blank if none apply.",
        choices=ALWAYS_REFER,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    @classmethod
    def initial_from(cls, referral):
        initial = super().initial_from(referral)
        initial["always_refer"] = [field for field, _label in ALWAYS_REFER if getattr(referral, field)]
        return initial

    def layout(self):
        return [
            Field.radios("is_deceased", inline=True),
            Field.radios("seriously_harmed", inline=True),
            Field.textarea("harm_description", rows=5),
            Field.radios("abuse_or_neglect"),
            Field.radios("agencies_concern", inline=True),
            heading(
                "Deaths that must always be referred",
                "Appendix 3: these are referred whatever else is known. The local authority must also "
                "notify the Secretary of State and Ofsted of the death of a looked-after child, whether or "
                "not abuse or neglect is known or suspected.",
            ),
            Field.checkboxes("always_refer"),
        ]

    error_fields = {"looked_after_death": "always_refer"}

    def section_values(self):
        values = {field: self.cleaned_data.get(field) for field in SECTION_FIELDS[self.section]}
        chosen = set(self.cleaned_data.get("always_refer") or [])
        for field, _label in ALWAYS_REFER:
            values[field] = field in chosen
        return values


class SummaryForm(SectionForm):
    section = "summary"

    summary_of_events = forms.CharField(
        label="Summary of events",
        help_text=(
            "Summarise the events leading to the death or harm to the child, and say why you believe these "
            "circumstances meet the criteria for a review."
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 15}),
    )

    def layout(self):
        return [Field.textarea("summary_of_events", rows=15)]


# --- repeating rows ---


class RowForm(forms.Form):
    """One repeating row. Blank rows are left out when the page is saved."""

    kind = ""

    def __init__(self, *args, complete: bool = False, today: date | None = None, **kwargs):
        self.complete = complete
        self.today = today or timezone.localdate()
        super().__init__(*args, **kwargs)
        set_length_messages(self)
        self.helper = _helper(*self.layout())

    def layout(self):
        return list(self.fields)

    def full_clean(self):
        super().full_clean()
        mark_select_errors(self)

    def clean(self):
        cleaned = super().clean()
        if not self.errors and all(value in (None, "", []) for value in cleaned.values()):
            return cleaned  # a blank row is left out, not judged
        row = SimpleNamespace(**{name: cleaned.get(name) for name in self.fields})
        for field, message in referral_row_problems(
            self.kind, row, today=self.today, complete=self.complete
        ).items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)
        return cleaned


class FamilyMemberForm(RowForm):
    kind = "family"

    name = forms.CharField(label="Name", max_length=200, required=False)
    relationship = forms.CharField(
        label="Relationship to child",
        max_length=200,
        required=False,
        help_text="For example, mother or stepfather",
    )
    date_of_birth = GovDateField(
        name="Date of birth", label="Date of birth (optional)", help_text="For example, 27 3 1990"
    )
    address = forms.CharField(
        label="Address (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    ethnic_origin = forms.ChoiceField(
        label="Ethnic origin (optional)", choices=ETHNIC_ORIGIN_FIELD_CHOICES, required=False
    )
    ethnic_origin_other = forms.CharField(
        label="If other ethnic group, please specify",
        help_text="Only if you selected ‘Other ethnic group’",
        max_length=100,
        required=False,
    )

    def layout(self):
        return [
            Field.text("name"),
            Field.text("relationship", field_width=20),
            Field("date_of_birth"),
            Field.textarea("address", rows=3),
            Field.select("ethnic_origin"),
            Field.text("ethnic_origin_other", field_width=20),
        ]


class InvolvedAgencyForm(RowForm):
    kind = "agency"

    name = forms.CharField(label="Name", max_length=200, required=False)
    agency_name = forms.CharField(label="Agency", max_length=200, required=False)
    contact_details = forms.CharField(
        label="Contact details (optional)",
        required=False,
        help_text="Telephone number or email address",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    still_involved = yes_no_field("Are they still involved?")

    def layout(self):
        return [
            Field.text("name"),
            Field.text("agency_name"),
            Field.textarea("contact_details", rows=2),
            Field.radios("still_involved", inline=True),
        ]


class OtherProcessForm(RowForm):
    kind = "process"

    process = forms.TypedChoiceField(
        label="Process", choices=ProcessKind.choices, required=False, widget=forms.RadioSelect
    )
    process_other = forms.CharField(
        label="If other: name of the process",
        max_length=200,
        required=False,
        help_text="Only if you selected Other",
    )
    current_status = forms.CharField(
        label="Current status",
        required=False,
        help_text="For example, inquest opened and adjourned",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def layout(self):
        return [
            Field.radios("process"),
            Field.text("process_other"),
            Field.textarea("current_status", rows=2),
        ]


class StartForm(forms.Form):
    """The start page's one-time token: a double click starts one draft."""

    start_token = forms.UUIDField(widget=forms.HiddenInput)


class WithdrawDraftForm(forms.Form):
    """Confirms the author means to withdraw the draft (nothing to enter)."""


def anchor_for(bound_field) -> str:
    """The id of the element an error summary or a change link should go to: the first
    input of a date, radios or checkboxes, otherwise the field itself."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.MultiWidget):
        return f"{bound_field.auto_id}_0"
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"id_{bound_field.html_name}_1"
    return bound_field.auto_id
