"""The one form kit every app's forms use: GOV.UK date input, yes/no radios, text fields
that take the model's length limit, the crispy-forms-gds helper, and the small pieces
that make errors look and read the GOV.UK way."""

from __future__ import annotations

import re
from datetime import date

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Layout, Size
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html

YES_NO = [(True, "Yes"), (False, "No")]
# Nothing any form asks about is this old: an earlier year is a mistyped one (0219 for 2019).
EARLIEST_DATE = date(1900, 1, 1)


def to_bool(value):
    return {"True": True, "False": False}.get(value, value)


def yes_no_field(label: str, help_text: str = "", *, choices=YES_NO) -> forms.TypedChoiceField:
    """Yes/no radios whose answer is True, False or None (not answered)."""
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=choices,
        coerce=to_bool,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


class GovDateField(DateInputField):
    """A day, month and year date input whose messages name the date, GOV.UK style.

    `name` is how messages about its parts name it ("Date of the decision must include a
    month"); `subject` how a sentence about the whole date starts ("The date of the
    decision must be today or in the past"; `name` unless given). `tense` says which days
    it takes: "past" (today or before), "future" (after today) or None, when the service
    judges the date against others.
    """

    def __init__(self, *, name: str, tense: str | None = None, subject: str = "", **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("require_all_fields", False)
        super().__init__(**kwargs)
        self.name = name
        self.subject = subject or name
        self.tense = tense
        self.error_messages["required"] = f"Enter {_lower_first(self.subject)}"
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
            part.validators.append(_pattern_validator(r"[0-9]{1,4}", f"{name} must be a real date"))
        year.validators.append(_pattern_validator(r"[0-9]{4}", f"{name}: year must include 4 numbers"))

    def compress(self, data_list):
        if not data_list or not all(data_list):
            return None
        day, month, year = (int(value) for value in data_list)
        try:
            value = date(year, month, day)
        except (ValueError, OverflowError) as exc:
            raise ValidationError(f"{self.name} must be a real date", code="invalid") from exc
        if value < EARLIEST_DATE:
            raise ValidationError(f"{self.name} must be after 31 December 1899", code="too_early")
        return value

    def clean(self, value):
        day = super().clean(value)
        if day is None or self.tense is None:
            return day
        today = timezone.localdate()
        if self.tense == "future" and day <= today:
            raise ValidationError(f"{self.subject} must be in the future", code="not_future")
        if self.tense == "past" and day > today:
            raise ValidationError(f"{self.subject} must be today or in the past", code="future")
        return day


def _pattern_validator(pattern: str, message: str):
    def validate(value):
        if not re.fullmatch(rf"\s*{pattern}\s*", value or ""):
            raise ValidationError(message, code="invalid")

    return validate


def date_field(
    name: str, *, required: bool = True, help_text: str = "", tense: str | None = "past", label: str = ""
) -> GovDateField:
    """A GOV.UK date input; `name` is how messages name it ("Date of the decision")."""
    return GovDateField(
        name=name,
        subject=f"The {_lower_first(name)}",
        label=label or name,
        required=required,
        tense=tense,
        help_text=help_text or "For example, 27 3 2026",
    )


def text_field(
    label: str,
    *,
    required: bool = True,
    help_text: str = "",
    message: str = "",
    rows: int = 0,
    max_length: int | None = None,
) -> forms.CharField:
    """A text input (or a textarea of `rows`), its length limit the model field's."""
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput,
        error_messages={"required": message or f"Enter the {_lower_first(label)}"},
    )


def max_length_of(model, field: str) -> int | None:
    """The model field's length limit, for the form field that edits it."""
    return model._meta.get_field(field).max_length


def form_helper(*layout, render_hidden_fields: bool = False) -> FormHelper:
    """The crispy-forms-gds helper every form uses: the page template writes the <form>."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.render_hidden_fields = render_hidden_fields
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    if layout:
        helper.layout = Layout(*layout)
    return helper


def heading(text: str, hint: str = "") -> HTML:
    """A heading between a form's parts, with an optional line of guidance."""
    hint_html = format_html('<p class="govuk-body">{}</p>', hint) if hint else ""
    return HTML(format_html('<h2 class="govuk-heading-m govuk-!-margin-top-6">{}</h2>{}', text, hint_html))


def set_length_messages(form, names: dict[str, str] | None = None) -> None:
    """GOV.UK-style messages for answers that are too long ("Name of child must be 200
    characters or fewer"), instead of Django's generic one. `names` says how to name a
    field whose label is a question or an "if"."""
    for name, field in form.fields.items():
        limit = getattr(field, "max_length", None)
        if limit and isinstance(field, forms.CharField):
            label = (names or {}).get(name) or str(field.label).removesuffix(" (optional)")
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


def anchor_for(bound_field) -> str:
    """The id of the element an error summary or a change link should go to: the first
    input of a date, radios or checkboxes, otherwise the field itself."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.MultiWidget):
        return f"{bound_field.auto_id}_0"
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"id_{bound_field.html_name}_1"
    return bound_field.auto_id


def add_problems(form, problems: dict) -> None:
    """A service's refusal ({field or None: message}), shown next to the field it is
    about, or above the form; a field already in error keeps its own message."""
    for field, message in problems.items():
        target = field if field in form.fields else None
        if target and target in form.errors:
            continue
        form.add_error(target, message)
