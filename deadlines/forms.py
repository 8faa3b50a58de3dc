from crispy_forms_gds.layout import Button, Field, Size
from django import forms
from django.utils import timezone

from cspr.accounts.models import Agency
from cspr.accounts.roles import Role
from cspr.forms import add_problems, date_field, form_helper
from cspr.notifications.models import ContactRole
from referrals.lifecycle.states import CaseStatus

from .models import DeadlineRule, StatutoryNotification
from .services import notification_problems, waive_problems


class DashboardFilterForm(forms.Form):
    """The dashboard's filters, read from the query string (a GET form)."""

    rule = forms.ChoiceField(label="Deadline", required=False)
    agency = forms.ChoiceField(label="Referring agency", required=False)
    case_status = forms.ChoiceField(label="Case status", required=False)
    overdue = forms.BooleanField(label="Overdue only", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [("", "All deadlines")] + [
            (code, label)
            for code, label in DeadlineRule.objects.order_by("order", "code").values_list("code", "label")
        ]
        self.fields["agency"].choices = [("", "All agencies")] + [
            (str(pk), name) for pk, name in Agency.objects.order_by("name").values_list("pk", "name")
        ]
        self.fields["case_status"].choices = [("", "All statuses")] + [
            (value, label) for value, label in CaseStatus.choices if value != CaseStatus.DRAFT
        ]

    def filters(self) -> dict:
        """The valid filters; an invalid value (an edited address) is simply ignored."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "rule": data.get("rule") or None,
            "agency": int(data["agency"]) if data.get("agency") else None,
            "case_status": data.get("case_status") or None,
            "overdue": bool(data.get("overdue")),
        }


class WaiveForm(forms.Form):
    reason = forms.CharField(
        label="Why is this deadline being waived?",
        help_text="This is kept in the case record and shown with the deadline. Do not include the child’s "
        "or family’s names.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Field.textarea("reason", rows=4),
            Button("submit", "Waive deadline", css_class="govuk-button--warning"),
        )

    def clean(self):
        data = super().clean()
        add_problems(self, waive_problems(reason=data.get("reason", "")))
        return data


class StatutoryNotificationForm(forms.Form):
    notified_on = date_field("Date", label="Date", help_text="For example, 27 3 2026.", tense=None)
    reference = forms.CharField(
        label="Notification reference",
        max_length=100,
        required=False,
        help_text="The reference the National Panel’s online notification gave.",
    )
    note = forms.CharField(
        label="Notes (optional)",
        max_length=300,
        required=False,
        help_text="For example, ‘email to the partners’ business managers’. Do not include the child’s or "
        "family’s names.",
    )

    QUESTIONS = {
        StatutoryNotification.Kind.NATIONAL_PANEL: "When was the National Panel notified?",
        StatutoryNotification.Kind.PARTNERS: "When were the safeguarding partners told?",
        StatutoryNotification.Kind.SOS_OFSTED: "When were the Secretary of State and Ofsted told?",
    }

    def __init__(self, *args, kind: str, referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.referral = referral
        self.fields["notified_on"].required = False
        self.fields["notified_on"].label = self.QUESTIONS[kind]
        if kind == StatutoryNotification.Kind.PARTNERS:
            self.fields["note"].label = "Who was told, and how (optional)"
        else:
            self.fields["note"].help_text = "Do not include the child’s or family’s names."
        fields = [Field("notified_on", context={"fieldset": True, "legend_size": Size.MEDIUM})]
        if kind == StatutoryNotification.Kind.NATIONAL_PANEL:
            fields.append(Field.text("reference", field_width=20))
        else:
            del self.fields["reference"]
        fields.append(Field.text("note"))
        self.helper = form_helper(*fields, Button("submit", "Save"))

    def clean(self):
        data = super().clean()
        problems = notification_problems(
            self.referral,
            kind=self.kind,
            notified_on=data.get("notified_on"),
            reference=data.get("reference", ""),
            today=timezone.localdate(),
        )
        add_problems(self, problems)
        return data


class FeedTokenForm(forms.Form):
    """Carries the address being replaced, so a repeated post creates nothing more."""

    replaces = forms.IntegerField(required=False, widget=forms.HiddenInput)


class RuleAdminForm(forms.ModelForm):
    """The rule's recipient lists as checkboxes rather than raw JSON."""

    remind_user_roles = forms.MultipleChoiceField(
        label="Remind users with these roles",
        choices=[(r.value, r.label) for r in Role if r != Role.ADMINISTRATOR],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    remind_contact_roles = forms.MultipleChoiceField(
        label="Remind these contacts",
        choices=ContactRole.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    escalate_contact_roles = forms.MultipleChoiceField(
        label="When overdue, also tell these contacts",
        choices=ContactRole.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = DeadlineRule
        fields = [
            "code",
            "label",
            "order",
            "active",
            "source",
            "opened_by",
            "anchor",
            "anchor_label",
            "length",
            "unit",
            "is_target",
            "met_on_opening",
            "looked_after_death_only",
            "responsible",
            "remind_days_before",
            "remind_on_due_day",
            "remind_referrer",
            "remind_user_roles",
            "remind_contact_roles",
            "escalate_contact_roles",
            "repeat_overdue",
        ]

    def clean(self):
        data = super().clean()
        length, unit = data.get("length"), data.get("unit")
        if length == 0 and unit == DeadlineRule.Unit.CALENDAR_MONTHS:
            self.add_error("length", "A deadline in calendar months needs at least 1 month")
        return data
