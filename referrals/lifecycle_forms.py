"""Forms for the case's moves after submission. They parse and lay out; the rules about
what a move needs live in referrals.lifecycle_services, whose refusals the view puts
back on these forms' fields.
"""

from __future__ import annotations

import uuid

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fluid, Layout, Size
from django import forms
from django.utils import timezone
from django.utils.html import format_html

from cspr.accounts.models import Agency

from .forms import GovDateField, yes_no_field
from .lifecycle_models import SubgroupDecision
from .models import Referral


class CaseDateField(GovDateField):
    """A date of something that has happened (`tense="past"`: today or before), of something
    planned (`"future"`: after today), or a target that may fall either side (`"any"`).
    The services check the order of dates."""

    def __init__(self, *, name: str, tense: str = "past", **kwargs):
        super().__init__(name=name, **kwargs)
        self.tense = tense
        self.error_messages["required"] = f"Enter the {name[0].lower()}{name[1:]}"

    def clean(self, value):
        day = super().clean(value)
        if day is None:
            return day
        today = timezone.localdate()
        what = f"The {self.name[0].lower()}{self.name[1:]}"
        if self.tense == "future" and day <= today:
            raise forms.ValidationError(f"{what} must be in the future", code="not_future")
        if self.tense == "past" and day > today:
            raise forms.ValidationError(f"{what} must be today or in the past", code="future")
        return day


def date_field(
    name: str, *, required: bool = True, help_text: str = "", tense: str = "past", label: str = ""
) -> CaseDateField:
    """A GOV.UK date input; `name` is how messages name it ("Date of the decision")."""
    return CaseDateField(
        name=name,
        label=label or name,
        required=required,
        tense=tense,
        help_text=help_text or "For example, 27 3 2026",
    )


def text_field(label: str, *, required: bool = True, help_text: str = "", message: str = "", rows: int = 0):
    field = forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput,
        error_messages={"required": message or f"Enter the {label[0].lower()}{label[1:]}"},
    )
    return field


def agencies_field(label: str, *, help_text: str = "", message: str) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=label,
        help_text=help_text,
        queryset=Agency.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": message},
    )


def form_helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    # The one-time token is a hidden field the layouts do not name; it must still be sent.
    helper.render_hidden_fields = True
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    if layout:
        helper.layout = Layout(*layout)
    return helper


def subheading(text: str, hint: str = "") -> HTML:
    hint_html = format_html('<p class="govuk-body">{}</p>', hint) if hint else ""
    return HTML(format_html('<h2 class="govuk-heading-m govuk-!-margin-top-6">{}</h2>{}', text, hint_html))


class CaseForm(forms.Form):
    """A form about one case. `case` and `user` are there for choices and initial values."""

    submit_label = "Save"

    def __init__(self, *args, case: Referral, user, **kwargs):
        self.case = case
        self.user = user
        super().__init__(*args, **kwargs)
        self.helper = form_helper(*self.layout())

    def layout(self) -> list:
        return [
            Field.textarea(name) if isinstance(f.widget, forms.Textarea) else name
            for name, f in self.fields.items()
        ]


class TokenForm(CaseForm):
    """A form that adds a row: its one-time token makes a repeated POST add nothing."""

    token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("token", uuid.uuid4())
        super().__init__(*args, **kwargs)


# --- the subgroup decision ------------------------------------------------------------

CRITERIA_HINT = "Answer each one. Meeting a criterion does not oblige a review: the subgroup decides."


class DecisionForm(CaseForm):
    submit_label = "Record the decision"

    outcome = forms.ChoiceField(
        label="What has the subgroup decided?",
        choices=SubgroupDecision.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the subgroup’s decision"},
    )
    decided_on = date_field("Date of the decision")
    rationale = text_field(
        "Why did the subgroup reach this decision?",
        help_text="The reasons are communicated to the referrer and, appropriately, to the family. "
        "Here, only the subgroup and the coordinator can read them.",
        message="The decision needs a rationale",
        rows=6,
    )
    organisations = agencies_field(
        "If the subgroup holds a rapid review: which organisations take part?",
        help_text="Select all that apply.",
        message="Select the organisations taking part in the rapid review",
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
        self.fields["organisations"].required = False
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
            subheading("Criteria for a local review (procedure section 6)", CRITERIA_HINT),
            *criteria,
            subheading("Circumstances the subgroup has regard to (procedure section 7)"),
            *circumstances,
            subheading("Rationale"),
            Field.textarea("rationale", rows=6),
            subheading("Communicating the decision"),
            Field.radios("family_informed", inline=True),
            Field("family_informed_on"),
            Field.radios("referrer_informed", inline=True),
            Field("referrer_informed_on"),
        ]

    def clean(self):
        data = super().clean()
        for name in SubgroupDecision.CRITERIA + SubgroupDecision.CIRCUMSTANCES:
            field, label = name
            if data.get(field) is None and field not in self.errors:
                self.add_error(field, f"Select yes or no for ‘{label}’")
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
        return data

    def decision(self) -> SubgroupDecision:
        """The answers as an unsaved SubgroupDecision for the service to check and save."""
        data = self.cleaned_data
        fields = [name for name, _ in SubgroupDecision.CRITERIA + SubgroupDecision.CIRCUMSTANCES]
        return SubgroupDecision(
            outcome=data["outcome"],
            decided_on=data["decided_on"],
            rationale=data["rationale"],
            family_informed_on=data.get("family_informed_on"),
            referrer_informed_on=data.get("referrer_informed_on"),
            **{name: data[name] for name in fields},
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


class WithdrawForm(CaseForm):
    submit_label = "Withdraw the referral"

    reason = text_field(
        "Why is the referral being withdrawn?",
        help_text="For example, the referring agency asked to withdraw it. The referrer is told it "
        "was withdrawn.",
        message="Enter why the referral is being withdrawn",
        rows=4,
    )


class DuplicateForm(CaseForm):
    submit_label = "Link as a duplicate"

    duplicate_of = forms.CharField(
        label="Reference of the case this referral duplicates",
        help_text="For example, CSPR-2026-0007. Its deadlines carry on; this referral’s close as duplicate.",
        error_messages={"required": "Enter the reference of the case this referral duplicates"},
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
        case = Referral.objects.visible_to(self.user).filter(reference=reference).first()
        if case is None:
            raise forms.ValidationError(f"There is no case with the reference {reference}")
        return case


# --- the rapid review -----------------------------------------------------------------


class RapidReviewStartForm(CaseForm):
    submit_label = "Start the rapid review"

    started_on = date_field("Date the rapid review started")
    organisations = agencies_field(
        "Organisations taking part",
        help_text="The subgroup’s decision chose these; change them if that has changed.",
        message="Select the organisations taking part in the rapid review",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        decision = getattr(self.case, "subgroup_decision", None)
        if not self.is_bound:
            self.initial.setdefault("started_on", timezone.localdate())
            if decision is not None:
                self.initial.setdefault(
                    "organisations", list(decision.organisations.values_list("pk", flat=True))
                )

    def layout(self):
        return [Field("started_on"), Field.checkboxes("organisations")]


class RapidReviewCompleteForm(CaseForm):
    submit_label = "Complete the rapid review"

    completed_on = date_field("Date the rapid review was completed")
    facts_gathered = text_field(
        "Facts gathered",
        help_text="The facts of the case, as far as they can readily be established now.",
        rows=6,
    )
    immediate_action_needed = yes_no_field("Was immediate action needed to ensure children’s safety?")
    immediate_action_taken = text_field(
        "If yes: what was done",
        required=False,
        rows=4,
    )
    improvements_identified = text_field(
        "Improvements identified",
        help_text="The potential for identifying improvements to safeguard and promote the welfare "
        "of children.",
        message="Enter the improvements identified, or say that none were",
        rows=5,
    )
    learning_shared = text_field(
        "Learning shared with agencies",
        help_text="What learning was shared, with which agencies, so that they can act on it.",
        message="Enter how learning was shared with agencies",
        rows=4,
    )
    recommendation = forms.ChoiceField(
        label="What does the rapid review recommend as the next step?",
        choices=[],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the recommended next step"},
    )
    recommendation_rationale = text_field(
        "Rationale for the recommendation",
        help_text="Sent to the National Panel with the rapid review.",
        message="The recommendation needs a rationale",
        rows=5,
    )

    def __init__(self, *args, **kwargs):
        from rapidreview.models import NextStep

        super().__init__(*args, **kwargs)
        self.fields["recommendation"].choices = NextStep.choices
        self.fields["immediate_action_needed"].required = False
        if not self.is_bound:
            self.initial.setdefault("completed_on", timezone.localdate())

    def clean(self):
        data = super().clean()
        if data.get("immediate_action_needed") is None and "immediate_action_needed" not in self.errors:
            self.add_error(
                "immediate_action_needed", "Select yes if immediate action was needed for children’s safety"
            )
        return data

    def layout(self):
        return [
            Field("completed_on"),
            subheading("The rapid review’s aims (procedure section 9)"),
            Field.textarea("facts_gathered", rows=6),
            Field.radios("immediate_action_needed", inline=True),
            Field.textarea("immediate_action_taken", rows=4),
            Field.textarea("improvements_identified", rows=5),
            Field.textarea("learning_shared", rows=4),
            subheading("Next steps"),
            Field.radios("recommendation"),
            Field.textarea("recommendation_rationale", rows=5),
        ]


class DatedForm(CaseForm):
    """Forms whose first field is a date that is usually today."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        first = next(iter(self.fields))
        if not self.is_bound:
            self.initial.setdefault(first, timezone.localdate())


class SendToPanelForm(DatedForm):
    submit_label = "Record as sent"

    sent_on = date_field("Date the rapid review was sent to the National Panel")


# --- the next step --------------------------------------------------------------------


class CommissionForm(CaseForm):
    submit_label = "Commission the local review"

    decided_on = date_field("Date the partners decided to hold a local review")
    reviewer_name = text_field("Reviewer’s name", message="Enter the reviewer’s name")
    reviewer_organisation = text_field("Reviewer’s organisation", message="Enter the reviewer’s organisation")
    rationale = text_field("Rationale", required=False, rows=4)

    commissioned_on = date_field("Date the reviewer was commissioned")
    informed_on = date_field(
        "Date the National Panel, Ofsted and DfE were informed (optional)",
        required=False,
        help_text="With the reviewer’s name. Leave blank if they have not been told yet: "
        "the deadline to tell them stays open. For example, 27 3 2026",
    )

    def __init__(self, *args, **kwargs):
        from rapidreview.models import NextStep, RapidReview

        super().__init__(*args, **kwargs)
        for name in ("reviewer_name", "reviewer_organisation"):
            self.fields[name].widget.attrs["autocomplete"] = "off"
        recommended = (
            RapidReview.objects.filter(referral=self.case).values_list("recommendation", flat=True).first()
        )
        # The reason is needed only when the partners go against the rapid review.
        if recommended and recommended != NextStep.LOCAL_REVIEW:
            self.fields["rationale"].label = (
                f"The rapid review recommended {NextStep(recommended).label[0].lower()}"
                f"{NextStep(recommended).label[1:]}: why is a local review being held?"
            )
        else:
            self.fields["rationale"].label = "Anything to add to the rapid review’s rationale? (optional)"

    def layout(self):
        return [
            Field("decided_on"),
            Field.text("reviewer_name", field_width=Fluid.TWO_THIRDS),
            Field.text("reviewer_organisation", field_width=Fluid.TWO_THIRDS),
            Field("commissioned_on"),
            Field("informed_on"),
            Field.textarea("rationale", rows=4),
        ]


class NationalReviewForm(CaseForm):
    submit_label = "Record the national review"

    decided_on = date_field(
        "Date of the decision",
        help_text="The date the National Panel decided to lead. For example, 27 3 2026",
    )
    rationale = text_field(
        "Why does the case go to a national review?",
        help_text="For example, the case raises issues that are complex or of national importance, or new "
        "information has come to light during the local review.",
        message="Enter why the case goes to a national review",
        rows=5,
    )


class NoFurtherReviewForm(CaseForm):
    submit_label = "Record no further review"

    decided_on = date_field("Date of the decision")
    rationale = text_field(
        "Why will there be no further review?",
        message="Enter why there will be no further review",
        rows=5,
    )


# --- the local review, publication, closing --------------------------------------------


class LocalReviewStartForm(DatedForm):
    submit_label = "Start the local review"

    started_on = date_field("Date the local review started")
    methodology = text_field(
        "Methodology",
        help_text="How the review will look at frontline practice and at organisational structures "
        "and learning, "
        "and how practitioners and the family will be involved.",
        message="Enter the review’s methodology",
        rows=6,
    )


class InformedForm(DatedForm):
    submit_label = "Save the date"

    informed_on = date_field(
        "Date the National Panel, Ofsted and DfE were informed",
        help_text="With the reviewer’s name. For example, 27 3 2026",
    )


class PublishForm(CaseForm):
    submit_label = "Record the publication"
    field_order = [
        "full_report",
        "not_published_rationale",
        "improvements_summary",
        "published_on",
        "where_published",
    ]

    full_report = forms.TypedChoiceField(
        label="What was published?",
        choices=[
            (True, "The full final report"),
            (False, "Only information about the improvements to be made"),
        ],
        coerce=lambda value: {"True": True, "False": False}.get(value, value),
        widget=forms.RadioSelect,
        error_messages={"required": "Select what was published"},
    )
    where_published = text_field(
        "Where was it published?",
        help_text="For example, the partnership’s website address.",
        message="Enter where it was published",
    )
    not_published_rationale = text_field(
        "If only the improvements were published: why is the full report not being published?",
        required=False,
        rows=4,
    )
    improvements_summary = text_field(
        "If only the improvements were published: what was published about them?", required=False, rows=4
    )
    published_on = date_field("Date of publication")

    def layout(self):
        return [
            Field.radios("full_report"),
            Field.textarea("not_published_rationale", rows=4),
            Field.textarea("improvements_summary", rows=4),
            Field("published_on"),
            Field.text("where_published"),
        ]


class CloseForm(CaseForm):
    submit_label = "Close the case"

    reason = text_field(
        "Anything to record about closing the case? (optional)",
        required=False,
        rows=3,
    )
