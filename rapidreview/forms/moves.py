"""The forms of the case's moves from the rapid review onwards: starting and completing
the rapid review, sending it to the Panel, the next step, the local review, publication
and closing. They parse and lay out; the services' checks are the rules."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fluid
from django import forms
from django.utils import timezone

from cspr.forms import date_field, heading, max_length_of, text_field, to_bool, yes_no_field
from referrals.forms import CaseForm, DatedForm, agencies_field

from ..models import LocalReview, NextStep, Publication
from ..services.local_review import local_start_problems
from ..services.next_step import (
    NATIONAL_REVIEW_RATIONALE,
    NO_FURTHER_REVIEW_RATIONALE,
    commission_problems,
    informed_problems,
    next_step_problems,
)
from ..services.publication import publish_problems
from ..services.rapid_review import findings_problems, sent_to_panel_problems, start_problems

# --- the rapid review -----------------------------------------------------------------


class RapidReviewStartForm(CaseForm):
    submit_label = "Start the rapid review"

    started_on = date_field("Date the rapid review started")
    organisations = agencies_field(
        "Organisations taking part",
        help_text="The subgroup’s decision chose these; change them if that has changed.",
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

    def service_problems(self, data):
        return start_problems(
            self.case,
            started_on=data.get("started_on"),
            organisations=data.get("organisations"),
            today=self.today,
        )


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
        rows=5,
    )
    learning_shared = text_field(
        "Learning shared with agencies",
        help_text="What learning was shared, with which agencies, so that they can act on it.",
        rows=4,
    )
    recommendation = forms.ChoiceField(
        label="What does the rapid review recommend as the next step?",
        choices=[],
        widget=forms.RadioSelect,
    )
    recommendation_rationale = text_field(
        "Rationale for the recommendation",
        help_text="Sent to the National Panel with the rapid review.",
        rows=5,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommendation"].choices = NextStep.choices
        if not self.is_bound:
            self.initial.setdefault("completed_on", timezone.localdate())

    def service_problems(self, data):
        review = getattr(self.case, "rapid_review", None)
        findings = {name: data.get(name) for name in self.fields}
        return findings_problems(
            started_on=review.started_on if review else None, today=self.today, **findings
        )

    def layout(self):
        return [
            Field("completed_on"),
            heading("The rapid review’s aims (procedure section 9)"),
            Field.textarea("facts_gathered", rows=6),
            Field.radios("immediate_action_needed", inline=True),
            Field.textarea("immediate_action_taken", rows=4),
            Field.textarea("improvements_identified", rows=5),
            Field.textarea("learning_shared", rows=4),
            heading("Next steps"),
            Field.radios("recommendation"),
            Field.textarea("recommendation_rationale", rows=5),
        ]


class SendToPanelForm(DatedForm):
    submit_label = "Record as sent"

    sent_on = date_field("Date the rapid review was sent to the National Panel")

    def service_problems(self, data):
        review = getattr(self.case, "rapid_review", None)
        return sent_to_panel_problems(review, sent_on=data.get("sent_on"), today=self.today)


# --- the next step --------------------------------------------------------------------


class CommissionForm(CaseForm):
    submit_label = "Commission the local review"

    decided_on = date_field("Date the partners decided to hold a local review")
    reviewer_name = text_field("Reviewer’s name", max_length=max_length_of(LocalReview, "reviewer_name"))
    reviewer_organisation = text_field(
        "Reviewer’s organisation", max_length=max_length_of(LocalReview, "reviewer_organisation")
    )
    rationale = text_field("Rationale", required=False, rows=4)

    commissioned_on = date_field("Date the reviewer was commissioned")
    informed_on = date_field(
        "Date the National Panel, Ofsted and DfE were informed (optional)",
        required=False,
        help_text="With the reviewer’s name. Leave blank if they have not been told yet: "
        "the deadline to tell them stays open. For example, 27 3 2026",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("reviewer_name", "reviewer_organisation"):
            self.fields[name].widget.attrs["autocomplete"] = "off"
        review = getattr(self.case, "rapid_review", None)
        recommended = review.recommendation if review else ""
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

    def service_problems(self, data):
        return commission_problems(
            self.case,
            decided_on=data.get("decided_on"),
            reviewer_name=data.get("reviewer_name", ""),
            reviewer_organisation=data.get("reviewer_organisation", ""),
            commissioned_on=data.get("commissioned_on"),
            informed_on=data.get("informed_on"),
            rationale=data.get("rationale", ""),
            today=self.today,
        )


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
        rows=5,
    )
    missing_rationale = NATIONAL_REVIEW_RATIONALE

    def service_problems(self, data):
        return next_step_problems(
            self.case,
            decided_on=data.get("decided_on"),
            rationale=data.get("rationale", ""),
            missing=self.missing_rationale,
            today=self.today,
        )


class NoFurtherReviewForm(NationalReviewForm):
    submit_label = "Record no further review"

    decided_on = date_field("Date of the decision")
    rationale = text_field("Why will there be no further review?", rows=5)
    missing_rationale = NO_FURTHER_REVIEW_RATIONALE


# --- the local review, publication, closing --------------------------------------------


class LocalReviewStartForm(DatedForm):
    submit_label = "Start the local review"

    started_on = date_field("Date the local review started")
    methodology = text_field(
        "Methodology",
        help_text="How the review will look at frontline practice and at organisational structures "
        "and learning, "
        "and how practitioners and the family will be involved.",
        rows=6,
    )

    def service_problems(self, data):
        return local_start_problems(
            getattr(self.case, "local_review", None),
            started_on=data.get("started_on"),
            methodology=data.get("methodology", ""),
            today=self.today,
        )


class InformedForm(DatedForm):
    submit_label = "Save the date"

    informed_on = date_field(
        "Date the National Panel, Ofsted and DfE were informed",
        help_text="With the reviewer’s name. For example, 27 3 2026",
    )

    def service_problems(self, data):
        return informed_problems(
            getattr(self.case, "local_review", None), informed_on=data.get("informed_on"), today=self.today
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
        coerce=to_bool,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    where_published = text_field(
        "Where was it published?",
        help_text="For example, the partnership’s website address.",
        max_length=max_length_of(Publication, "where_published"),
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

    def service_problems(self, data):
        publication = getattr(self.case, "publication", None)
        if publication is None or publication.sent_to_panel_sos_on is None:
            return {}  # the service says what must be recorded first
        return publish_problems(
            publication,
            full_report=data.get("full_report"),
            published_on=data.get("published_on"),
            where_published=data.get("where_published", ""),
            not_published_rationale=data.get("not_published_rationale", ""),
            improvements_summary=data.get("improvements_summary", ""),
            today=self.today,
        )


class CloseForm(CaseForm):
    submit_label = "Close the case"

    reason = text_field(
        "Anything to record about closing the case? (optional)",
        required=False,
        rows=3,
    )
