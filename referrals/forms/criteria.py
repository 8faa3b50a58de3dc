"""The referral form's sections about what happened: the rapid review criteria and the
summary of events."""

from __future__ import annotations

from crispy_forms_gds.layout import Field
from django import forms

from cspr.forms import heading, yes_no_field

from ..models import SECTION_FIELDS, AbuseOrNeglect
from .sections import ALWAYS_REFER, SectionForm


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
