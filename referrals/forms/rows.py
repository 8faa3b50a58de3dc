"""The referral form's repeating rows: family members, other agencies, other processes.
Blank rows are left out when the page is saved; a row's checks are the model's
(`referral_row_problems`)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from crispy_forms_gds.layout import Field
from django import forms
from django.utils import timezone

from cspr.forms import (
    GovDateField,
    form_helper,
    mark_select_errors,
    max_length_of,
    set_length_messages,
    yes_no_field,
)

from ..models import FamilyMember, InvolvedAgency, OtherProcess, ProcessKind, referral_row_problems
from .sections import ETHNIC_ORIGIN_FIELD_CHOICES, LENGTH_NAMES


class RowForm(forms.Form):
    """One repeating row. Blank rows are left out when the page is saved."""

    kind = ""

    def __init__(self, *args, complete: bool = False, today: date | None = None, **kwargs):
        self.complete = complete
        self.today = today or timezone.localdate()
        super().__init__(*args, **kwargs)
        set_length_messages(self, LENGTH_NAMES)
        self.helper = form_helper(*self.layout())

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

    name = forms.CharField(label="Name", max_length=max_length_of(FamilyMember, "name"), required=False)
    relationship = forms.CharField(
        label="Relationship to child",
        max_length=max_length_of(FamilyMember, "relationship"),
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
        max_length=max_length_of(FamilyMember, "ethnic_origin_other"),
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

    name = forms.CharField(label="Name", max_length=max_length_of(InvolvedAgency, "name"), required=False)
    agency_name = forms.CharField(
        label="Agency", max_length=max_length_of(InvolvedAgency, "agency_name"), required=False
    )
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
        max_length=max_length_of(OtherProcess, "process_other"),
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
