"""The base of every form about one case (the decision, the rapid review and what
follows): the case and the person are there for choices and initial values; the rules
are the services' checks, whose refusals the case action view puts back on the fields."""

from __future__ import annotations

import uuid

from crispy_forms_gds.layout import Field
from django import forms
from django.utils import timezone

from cspr.accounts.models import Agency
from cspr.forms import form_helper

from ..models import Referral


def agencies_field(label: str, *, help_text: str = "", message: str) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=label,
        help_text=help_text,
        queryset=Agency.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": message},
    )


class CaseForm(forms.Form):
    """A form about one case. `case` and `user` are there for choices and initial values."""

    submit_label = "Save"

    def __init__(self, *args, case: Referral, user, **kwargs):
        self.case = case
        self.user = user
        super().__init__(*args, **kwargs)
        # The one-time token is a hidden field the layouts do not name; it must still be sent.
        self.helper = form_helper(*self.layout(), render_hidden_fields=True)

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
