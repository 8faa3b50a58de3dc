"""The base of every form about one case (the decision, the rapid review and what
follows): the case and the person are there for choices and initial values; the rules
are the services' checks, whose refusals the case action view puts back on the fields."""

from __future__ import annotations

import uuid

from crispy_forms_gds.layout import Field
from django import forms
from django.utils import timezone

from cspr.accounts.models import Agency
from cspr.forms import add_problems, form_helper

from ..models import Referral


def agencies_field(label: str, *, help_text: str = "") -> forms.ModelMultipleChoiceField:
    """Checkboxes of the partner agencies; whether any must be chosen is the service's rule."""
    return forms.ModelMultipleChoiceField(
        label=label,
        help_text=help_text,
        queryset=Agency.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class CaseForm(forms.Form):
    """A form about one case. `case` and `user` are there for choices and initial values.

    What the answers must be is the service's rule: a form whose service checks its
    answers (`service_problems`) shows that check's messages by the fields, so each rule
    and its message is written once, in the service. Its fields are then optional here:
    the service says what is missing, in the same words whether the form or the service
    finds it.
    """

    submit_label = "Save"

    def __init__(self, *args, case: Referral, user, **kwargs):
        self.case = case
        self.user = user
        super().__init__(*args, **kwargs)
        if type(self).service_problems is not CaseForm.service_problems:
            for field in self.fields.values():
                if not field.widget.is_hidden:
                    field.required = False
        # The one-time token is a hidden field the layouts do not name; it must still be sent.
        self.helper = form_helper(*self.layout(), render_hidden_fields=True)

    def service_problems(self, data: dict) -> dict:
        """The service's check of these answers, as {field or None: message}."""
        return {}

    def clean(self):
        data = super().clean()
        add_problems(self, self.service_problems(data))
        return data

    @property
    def today(self):
        return timezone.localdate()

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


class DatedForm(CaseForm):
    """Forms whose first field is a date that is usually today."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        first = next(iter(self.fields))
        if not self.is_bound:
            self.initial.setdefault(first, timezone.localdate())
