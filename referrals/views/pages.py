"""The machinery of a referral section page: which form and row formsets each section
has, and one page's state as it is shown or posted (rows added and removed without
JavaScript, what was typed kept, the error summary).

The form is six section pages under a task list, not one question per page. Appendix 2
has about forty questions and rows that repeat; one per page would mean fifty pages or
more, and a practitioner referring within one working day needs to see a part of the
form whole (the child, the family) and to leave and come back. Each section page keeps
the form's own parts and order, so what the partnership reads matches the paper form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.forms import formset_factory
from django.forms.utils import ErrorDict
from django.http import QueryDict
from django.utils import timezone

from cspr.forms import anchor_for

from .. import forms as referral_forms
from ..models import SECTION_TITLES, SECTIONS
from ..services import ROW_FIELDS

SECTION_ORDER = [section.slug for section in SECTIONS]
MAX_ROWS = 50


class RowFormSet(forms.BaseFormSet):
    """Rows of one repeating part of the form. Blank rows are ignored when saving."""

    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "too_many_forms": "You can add up to %(num)d rows. Remove a row before you add another.",
    }

    def rows(self) -> list[dict]:
        return [
            {field: form.cleaned_data.get(field) for field in ROW_FIELDS[form.kind]}
            for form in self.forms
            if form.cleaned_data and not _blank_row(form.cleaned_data)
        ]


def _blank_row(values: dict) -> bool:
    return all(value in (None, "", []) for value in values.values())


@dataclass(frozen=True)
class RowSpec:
    kind: str
    form: type[referral_forms.RowForm]
    row_title: str
    add_label: str
    heading: str = ""
    hint: str = ""
    start_with_blank_row: bool = False

    def formset_class(self):
        return formset_factory(self.form, formset=RowFormSet, extra=0, max_num=MAX_ROWS, validate_max=True)


@dataclass(frozen=True)
class SectionPage:
    form: type | None = None
    rows: tuple[RowSpec, ...] = ()
    intro: str = ""


SECTION_PAGES = {
    "referrer": SectionPage(
        form=referral_forms.SECTION_FORMS["referrer"],
        intro=("Your details come from your account. Change them if they are not right for this referral."),
    ),
    "child": SectionPage(form=referral_forms.SECTION_FORMS["child"]),
    "family": SectionPage(
        rows=(
            RowSpec(
                "family",
                referral_forms.ROW_FORMS["family"],
                "Family member",
                "Add another family member",
                start_with_blank_row=True,
            ),
        ),
        intro="Add each member of the child’s family, and anyone else significant in the child’s life.",
    ),
    "criteria": SectionPage(
        form=referral_forms.SECTION_FORMS["criteria"],
        intro=(
            "Show how you believe the criteria for a rapid review are met: abuse or neglect of a child is "
            "known or suspected, and the child has died or been seriously harmed."
        ),
    ),
    "summary": SectionPage(form=referral_forms.SECTION_FORMS["summary"]),
    "others": SectionPage(
        rows=(
            RowSpec(
                "agency",
                referral_forms.ROW_FORMS["agency"],
                "Agency",
                "Add an agency",
                heading="Other agencies involved",
                hint="Any other agencies involved in the care of this child that you know of.",
            ),
            RowSpec(
                "process",
                referral_forms.ROW_FORMS["process"],
                "Process",
                "Add a process",
                heading="Other processes",
                hint=(
                    "Any other processes the case is subject to, for example a coroner’s inquest, the Child "
                    "Death Overview Panel or criminal proceedings."
                ),
            ),
        ),
        intro="Leave this section empty if you do not know of any other agencies or processes.",
    ),
}


def _rows_from_data(data, prefix: str) -> list[dict[str, str]]:
    """The raw values of each posted row, so rows can be added or removed keeping what was typed."""
    try:
        total = min(int(data.get(f"{prefix}-TOTAL_FORMS", 0)), MAX_ROWS)
    except ValueError:
        total = 0
    pattern = re.compile(rf"^{re.escape(prefix)}-(\d+)-(.+)$")
    rows: list[dict[str, str]] = [{} for _ in range(total)]
    for key in data:
        match = pattern.match(key)
        if match and int(match[1]) < total:
            values = data.getlist(key)
            rows[int(match[1])][match[2]] = values if len(values) > 1 else values[0]
    return rows


def _data_with_rows(data, prefix: str, rows: list[dict]) -> QueryDict:
    result = {key: data.getlist(key) for key in data if not key.startswith(f"{prefix}-")}
    result[f"{prefix}-TOTAL_FORMS"] = [str(len(rows))]
    result[f"{prefix}-INITIAL_FORMS"] = ["0"]
    result[f"{prefix}-MIN_NUM_FORMS"] = ["0"]
    result[f"{prefix}-MAX_NUM_FORMS"] = [str(MAX_ROWS)]
    for index, row in enumerate(rows):
        for name, value in row.items():
            result[f"{prefix}-{index}-{name}"] = value if isinstance(value, list) else [value]
    query = QueryDict(mutable=True)
    for key, values in result.items():
        query.setlist(key, values)
    return query


def _quiet(form) -> None:
    # Adding or removing a row redisplays the page without judging half-typed rows:
    # the answers stay as typed, and errors appear only when the page is saved.
    form._errors = ErrorDict()
    form.cleaned_data = {}


def _row_initial(referral, kind: str) -> list[dict]:
    related = {"family": "family_members", "agency": "involved_agencies", "process": "other_processes"}[kind]
    return [
        {field: getattr(row, field) for field in ROW_FIELDS[kind]} for row in getattr(referral, related).all()
    ]


def _error_items(form, formsets, specs) -> list[dict]:
    """The error summary: each message with the id of the field it belongs to."""
    items = []
    if form is not None:
        first = next(iter(form.fields), None)
        for message in form.non_field_errors():
            items.append({"text": message, "anchor": anchor_for(form[first]) if first else ""})
        for name in form.fields:
            for message in form[name].errors:
                items.append({"text": message, "anchor": anchor_for(form[name])})
    for formset, spec in zip(formsets, specs, strict=True):
        for message in formset.non_form_errors():
            items.append({"text": message, "anchor": f"{spec.kind}-rows"})
        for index, row_form in enumerate(formset.forms, 1):
            for name in row_form.fields:
                for message in row_form[name].errors:
                    items.append(
                        {"text": f"{spec.row_title} {index}: {message}", "anchor": anchor_for(row_form[name])}
                    )
    return items


class SectionPageState:
    """One section page of a draft as shown (GET) or posted: its form and row formsets,
    and what the post asked for ("continue", "save", or adding or removing a row)."""

    def __init__(self, request, referral, section: str):
        self.referral = referral
        self.section = section
        self.spec = SECTION_PAGES[section]
        self.from_check = request.GET.get("next") == "check"
        self.bound = request.method == "POST"
        self.action = request.POST.get("action", "") if self.bound else ""
        self.now = timezone.now()
        complete = self.action == "continue"
        self.row_action = re.fullmatch(r"(add|remove)-([a-z]+)(?:-(\d+))?", self.action)
        data = self._data_after_row_action(request.POST) if self.row_action else request.POST
        self.form = None
        if self.spec.form is not None:
            self.form = self.spec.form(
                data if self.bound else None, referral=referral, complete=complete, now=self.now
            )
        self.formsets = [self._formset(spec, data, complete) for spec in self.spec.rows]
        if self.bound and self.row_action:
            self._quieten()

    @property
    def saving(self) -> bool:
        return self.bound and not self.row_action

    def _data_after_row_action(self, data):
        verb, kind, index = self.row_action[1], self.row_action[2], self.row_action[3]
        rows = _rows_from_data(data, kind)
        if verb == "add" and len(rows) < MAX_ROWS:
            rows.append({})
        elif verb == "remove" and index is not None and int(index) < len(rows):
            rows.pop(int(index))
        return _data_with_rows(data, kind, rows)

    def _formset(self, spec: RowSpec, data, complete: bool):
        kwargs = {
            "prefix": spec.kind,
            "form_kwargs": {"complete": complete, "today": timezone.localdate(self.now)},
        }
        formset_class = spec.formset_class()
        if self.bound:
            return formset_class(data, **kwargs)
        initial = _row_initial(self.referral, spec.kind)
        formset = formset_class(initial=initial, **kwargs)
        if not initial and spec.start_with_blank_row:
            formset.extra = 1
        return formset

    def _quieten(self) -> None:
        for item in [self.form, *[f for formset in self.formsets for f in formset.forms]]:
            if item is not None:
                _quiet(item)
        for formset in self.formsets:
            formset._non_form_errors = forms.utils.ErrorList()

    def is_valid(self) -> bool:
        return (self.form is None or self.form.is_valid()) and all(f.is_valid() for f in self.formsets)

    def values(self) -> dict:
        return self.form.section_values() if self.form is not None else {}

    def rows(self) -> dict[str, list[dict]]:
        return {
            spec.kind: formset.rows() for spec, formset in zip(self.spec.rows, self.formsets, strict=True)
        }

    def context(self) -> dict:
        position = SECTION_ORDER.index(self.section)
        return {
            "referral": self.referral,
            "section": self.section,
            "title": SECTION_TITLES[self.section],
            "page": self.spec,
            "form": self.form,
            "row_groups": list(zip(self.spec.rows, self.formsets, strict=True)),
            "errors": _error_items(self.form, self.formsets, self.spec.rows) if self.saving else [],
            "from_check": self.from_check,
            "step": position + 1,
            "steps": len(SECTION_ORDER),
            "idle_minutes": settings.SESSION_IDLE_MINUTES,
        }
