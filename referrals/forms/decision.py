"""The forms of the case's first steps: the subgroup decision and its communication,
withdrawing a submitted referral, linking a duplicate, the local authority's awareness."""

from __future__ import annotations

from crispy_forms_gds.layout import Button, Field, Size
from django import forms
from django.utils import timezone

from cspr.forms import date_field, form_helper, heading, text_field, yes_no_field

from ..models import Referral, SubgroupDecision
from ..services.decision import CRITERIA_FIELDS, communication_problems, decision_problems
from ..services.triage import duplicate_problems, withdraw_problems
from .case import CaseForm, agencies_field

CRITERIA_HINT = "Answer each one. Meeting a criterion does not oblige a review: the subgroup decides."


class DecisionForm(CaseForm):
    submit_label = "Record the decision"

    outcome = forms.ChoiceField(
        label="What has the subgroup decided?",
        choices=SubgroupDecision.Outcome.choices,
        widget=forms.RadioSelect,
    )
    decided_on = date_field("Date of the decision")
    rationale = text_field(
        "Why did the subgroup reach this decision?",
        help_text="The reasons are communicated to the referrer and, appropriately, to the family. "
        "Here, only the subgroup and the coordinator can read them.",
        rows=6,
    )
    organisations = agencies_field(
        "If the subgroup holds a rapid review: which organisations take part?",
        help_text="Select all that apply.",
    )
    family_informed = yes_no_field("Has the decision been communicated to the family?")
    family_informed_on = date_field(
        "Date the family was told", label="If yes: date the family was told", required=False
    )
    referrer_informed = yes_no_field("Has the decision been communicated to the referrer?")
    referrer_informed_on = date_field(
        "Date the referrer was told", label="If yes: date the referrer was told", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("family_informed", "referrer_informed"):
            self.fields[name].choices = [(True, "Yes"), (False, "Not yet")]
        if not self.is_bound:
            self.initial.setdefault("decided_on", timezone.localdate())

    def layout(self):
        criteria = [Field.radios(name, inline=True) for name, _label in SubgroupDecision.CRITERIA]
        circumstances = [Field.radios(name, inline=True) for name, _label in SubgroupDecision.CIRCUMSTANCES]
        # Follow-up questions sit under their question, visible, rather than revealed:
        # the conditional reveal's ARIA fails the accessibility check.
        return [
            Field.radios("outcome"),
            Field.checkboxes("organisations"),
            Field("decided_on"),
            heading("Criteria for a local review (procedure section 6)", CRITERIA_HINT),
            *criteria,
            heading("Circumstances the subgroup has regard to (procedure section 7)"),
            *circumstances,
            heading("Rationale"),
            Field.textarea("rationale", rows=6),
            heading("Communicating the decision"),
            Field.radios("family_informed", inline=True),
            Field("family_informed_on"),
            Field.radios("referrer_informed", inline=True),
            Field("referrer_informed_on"),
        ]

    def clean(self):
        # Whether the decision has been told yet is this page's question; the dates
        # themselves are checked with the decision, by the service.
        data = self.cleaned_data
        for flag, day, who in (
            ("family_informed", "family_informed_on", "family"),
            ("referrer_informed", "referrer_informed_on", "referrer"),
        ):
            if data.get(flag) is None and flag not in self.errors:
                self.add_error(flag, f"Select whether the decision has been communicated to the {who}")
            elif data.get(flag) and data.get(day) is None and day not in self.errors:
                self.add_error(day, f"Enter the date the {who} was told")
            elif data.get(flag) is False:
                data[day] = None
        return super().clean()

    def service_problems(self, data):
        return decision_problems(
            self.decision(data), data.get("organisations") or [], case=self.case, today=self.today
        )

    def decision(self, data=None) -> SubgroupDecision:
        """The answers as an unsaved SubgroupDecision for the service to check and save."""
        data = self.cleaned_data if data is None else data
        return SubgroupDecision(
            outcome=data.get("outcome") or "",
            decided_on=data.get("decided_on"),
            rationale=data.get("rationale") or "",
            family_informed_on=data.get("family_informed_on"),
            referrer_informed_on=data.get("referrer_informed_on"),
            **{name: data.get(name) for name in CRITERIA_FIELDS},
        )


# The eight §6 and §7 questions, each a yes/no of its own, in the page's order (which the
# error summary follows).
for _name, _label in SubgroupDecision.CRITERIA + SubgroupDecision.CIRCUMSTANCES:
    DecisionForm.base_fields[_name] = yes_no_field(_label)
DecisionForm.base_fields = {
    name: DecisionForm.base_fields[name]
    for name in [
        "outcome",
        "organisations",
        "decided_on",
        *[name for name, _label in SubgroupDecision.CRITERIA + SubgroupDecision.CIRCUMSTANCES],
        "rationale",
        "family_informed",
        "family_informed_on",
        "referrer_informed",
        "referrer_informed_on",
    ]
}


class CommunicationForm(CaseForm):
    submit_label = "Save dates"

    family_informed_on = date_field(
        "Date the decision was communicated to the family",
        required=False,
        help_text="Leave blank if it has not been communicated yet. For example, 27 3 2026",
    )
    referrer_informed_on = date_field(
        "Date the decision was communicated to the referrer",
        required=False,
        help_text="Leave blank if it has not been communicated yet. For example, 27 3 2026",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        decision = getattr(self.case, "subgroup_decision", None)
        if decision is not None and not self.is_bound:
            self.initial.setdefault("family_informed_on", decision.family_informed_on)
            self.initial.setdefault("referrer_informed_on", decision.referrer_informed_on)

    def service_problems(self, data):
        decision = getattr(self.case, "subgroup_decision", None)
        if decision is None:
            return {}
        return communication_problems(
            decision,
            family_informed_on=data.get("family_informed_on"),
            referrer_informed_on=data.get("referrer_informed_on"),
            today=self.today,
        )


class WithdrawForm(CaseForm):
    submit_label = "Withdraw the referral"

    reason = text_field(
        "Why is the referral being withdrawn?",
        help_text="For example, the referring agency asked to withdraw it. The referrer is told it "
        "was withdrawn.",
        rows=4,
    )

    def service_problems(self, data):
        return withdraw_problems(reason=data.get("reason", ""))


class DuplicateForm(CaseForm):
    submit_label = "Link as a duplicate"

    duplicate_of = forms.CharField(
        label="Reference of the case this referral duplicates",
        help_text="For example, CSPR-2026-0007. Its deadlines carry on; this referral’s close as duplicate.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )
    reason = text_field(
        "Why is it a duplicate? (optional)",
        help_text="For example, two agencies referred the same incident.",
        required=False,
        rows=3,
    )

    def clean_duplicate_of(self):
        reference = self.cleaned_data["duplicate_of"].strip().upper()
        if not reference:
            return None
        case = Referral.objects.visible_to(self.user).filter(reference=reference).first()
        if case is None:
            raise forms.ValidationError(f"There is no case with the reference {reference}")
        return case

    def service_problems(self, data):
        return duplicate_problems(self.case, duplicate_of=data.get("duplicate_of"))


class LaAwareForm(forms.Form):
    la_aware_on = date_field(
        "Date the local authority became aware",
        label="When did the local authority become aware of the incident?",
        help_text="For example, 27 3 2026. The deadlines counted from it move to match.",
        tense=None,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field("la_aware_on", context={"fieldset": True, "legend_size": Size.MEDIUM}),
            Button("submit", "Save date"),
        )
