"""Forms for what the subgroup records during a review: notes, involvement, the final
report, recommendations and their progress, the publication plan."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fluid
from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from cspr.forms import date_field, max_length_of, text_field
from referrals.forms import CaseForm, DatedForm, TokenForm, agencies_field

from ..models import Involvement, Recommendation
from ..services.local_review import involvement_problems
from ..services.notes import note_problems
from ..services.publication import plan_problems, report_sent_problems
from ..services.recommendations import progress_problems, recommendation_problems
from ..uploads import check_upload, max_upload_bytes


class NoteForm(TokenForm):
    submit_label = "Add the note"

    text = text_field(
        "Your note",
        help_text="Your contribution to the rapid review or the case: what your agency knows, questions, "
        "learning. Only the subgroup and the coordinator can read notes.",
        rows=6,
    )

    def service_problems(self, data):
        return note_problems(text=data.get("text", ""))


class InvolvementForm(TokenForm):
    submit_label = "Add to the log"

    kind = forms.ChoiceField(
        label="Whose involvement is this?",
        choices=Involvement.Kind.choices,
        widget=forms.RadioSelect,
    )
    who = text_field(
        "Who took part",
        help_text="Roles or relationships, for example ‘health visitor and GP’ or ‘mother’.",
        max_length=max_length_of(Involvement, "who"),
    )
    happened_on = date_field("Date")
    method = forms.ChoiceField(
        label="How did they take part?",
        choices=Involvement.Method.choices,
        widget=forms.RadioSelect,
    )
    details = text_field("Details (optional)", required=False, rows=3)

    def service_problems(self, data):
        return involvement_problems(
            getattr(self.case, "local_review", None),
            kind=data.get("kind", ""),
            who=data.get("who", ""),
            happened_on=data.get("happened_on"),
            method=data.get("method", ""),
            today=self.today,
        )

    def layout(self):
        return [
            Field.radios("kind", inline=True),
            Field.text("who", field_width=Fluid.TWO_THIRDS),
            Field("happened_on"),
            Field.radios("method"),
            Field.textarea("details", rows=3),
        ]


class FinalReportForm(TokenForm):
    submit_label = "Upload the final report"

    upload = forms.FileField(
        label="Final report",
        help_text="",
        error_messages={"required": "Select the final report", "empty": "The selected file is empty"},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx"}),
    )
    received_on = date_field("Date the final report was received")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "upload"
        ].help_text = f"A PDF or Word document (.docx), smaller than {filesizeformat(max_upload_bytes())}."
        if not self.is_bound:
            self.initial.setdefault("received_on", timezone.localdate())

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        try:
            check_upload(upload)
        except ValidationError as error:
            raise forms.ValidationError(error.messages[0]) from None
        return upload

    def layout(self):
        return [Field("upload"), Field("received_on")]


class RecommendationForm(TokenForm):
    submit_label = "Add the recommendation"

    required_action = text_field(
        "What is required",
        help_text="Clear about what is required of the agencies, collectively and individually, and "
        "focused on "
        "improving outcomes for children.",
        rows=5,
    )
    agencies = agencies_field(
        "Which agencies is it for?",
        help_text="Select all that apply. Their safeguarding leads are told and record progress.",
    )
    due_on = date_field(
        "Date it must be done by",
        label="Done by",
        tense="any",
        help_text="The date the final report gives. For example, 31 3 2027",
    )

    def layout(self):
        return [Field.textarea("required_action", rows=5), Field.checkboxes("agencies"), Field("due_on")]

    def service_problems(self, data):
        return recommendation_problems(
            self.case,
            required_action=data.get("required_action", ""),
            agencies=data.get("agencies"),
            due_on=data.get("due_on"),
        )


class RecommendationUpdateForm(TokenForm):
    submit_label = "Save progress"

    status = forms.ChoiceField(
        label="Status",
        choices=Recommendation.Status.choices,
        widget=forms.RadioSelect,
    )
    note = text_field(
        "What has been done",
        help_text="What your agency has done since the last update, and what remains.",
        rows=5,
    )

    def __init__(self, *args, recommendation, **kwargs):
        self.recommendation = recommendation
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("status", recommendation.status)

    def layout(self):
        return [Field.radios("status", inline=True), Field.textarea("note", rows=5)]

    def service_problems(self, data):
        return progress_problems(status=data.get("status", ""), note=data.get("note", ""))


class PublicationPlanForm(CaseForm):
    submit_label = "Save the planned date"

    planned_on = date_field(
        "Planned publication date",
        tense="any",
        help_text="The final report must reach the National Panel and the Secretary of State at least "
        "7 working days before. For example, 27 3 2027",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        publication = getattr(self.case, "publication", None)
        if publication is not None and not self.is_bound:
            self.initial.setdefault("planned_on", publication.planned_on)

    def service_problems(self, data):
        return plan_problems(self.case, planned_on=data.get("planned_on"))


class ReportSentForm(DatedForm):
    submit_label = "Save the date"

    sent_on = date_field("Date the final report was sent to the National Panel and the Secretary of State")

    def service_problems(self, data):
        return report_sent_problems(self.case, sent_on=data.get("sent_on"), today=self.today)
