"""Referral pages: start, the section pages, check answers, submit, the case page, lists, PDF.

Views fetch through `referral_get` (visible_to), validate with a form, call one service and
redirect. Editing is for the author of a draft only; everything else is read-only.

The form is six section pages under a task list, not one question per page. Appendix 2
has about forty questions and rows that repeat; one per page would mean fifty pages or
more, and a practitioner referring within one working day needs to see a part of the
form whole (the child, the family) and to leave and come back. Each section page keeps
the form's own parts and order, so what the partnership reads matches the paper form.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import formset_factory
from django.forms.utils import ErrorDict
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cspr.accounts.roles import Role
from cspr.audit.services import audit_record

from .forms import (
    ChildForm,
    CriteriaForm,
    FamilyMemberForm,
    InvolvedAgencyForm,
    OtherProcessForm,
    ReferrerForm,
    RowForm,
    StartForm,
    SummaryForm,
    anchor_for,
)
from .models import SECTION_TITLES, SECTIONS, Referral
from .pdf import referral_pdf
from .selectors import (
    can_list_referrals,
    edit_url,
    problem_anchor,
    referral_answers,
    referral_get,
    referral_refer_by,
    referrals_for_list,
    referrals_of_author,
)
from .services import (
    ROW_FIELDS,
    ReferralAlreadySubmitted,
    ReferralError,
    referral_create,
    referral_save_section,
    referral_submit,
    referral_withdraw_draft,
)
from .states import CaseStatus

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
    form: type[RowForm]
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
        form=ReferrerForm,
        intro=("Your details come from your account. Change them if they are not right for this referral."),
    ),
    "child": SectionPage(form=ChildForm),
    "family": SectionPage(
        rows=(
            RowSpec(
                "family",
                FamilyMemberForm,
                "Family member",
                "Add another family member",
                start_with_blank_row=True,
            ),
        ),
        intro="Add each member of the child’s family, and anyone else significant in the child’s life.",
    ),
    "criteria": SectionPage(
        form=CriteriaForm,
        intro=(
            "Show how you believe the criteria for a rapid review are met: abuse or neglect of a child is "
            "known or suspected, and the child has died or been seriously harmed."
        ),
    ),
    "summary": SectionPage(form=SummaryForm),
    "others": SectionPage(
        rows=(
            RowSpec(
                "agency",
                InvolvedAgencyForm,
                "Agency",
                "Add an agency",
                heading="Other agencies involved",
                hint="Any other agencies involved in the care of this child that you know of.",
            ),
            RowSpec(
                "process",
                OtherProcessForm,
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


def _referral_for_author(request, pk) -> Referral:
    referral = referral_get(request.user, pk)
    if referral.created_by_id != request.user.pk:
        raise PermissionDenied("Only the person who started a referral can change it.")
    return referral


def _read_only_redirect(request, referral):
    if referral.submitted_at is None:
        messages.info(request, "This draft was withdrawn, so it can no longer be changed.")
    else:
        messages.info(request, "This referral has been submitted, so it can no longer be changed.")
    return redirect("referrals:detail", referral.pk)


def _require_practitioner(user):
    if not user.has_role(Role.PRACTITIONER):
        raise PermissionDenied("Only practitioners make referrals.")


# --- start and lists ---


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    """The start page; its button starts a draft (once, however often it is pressed)."""
    _require_practitioner(request.user)
    form = StartForm(request.POST or None, initial={"start_token": uuid.uuid4()})
    if request.method == "POST":
        if not form.is_valid():
            messages.error(request, "Something went wrong starting your referral. Try again.")
            return redirect("referrals:create")
        try:
            referral = referral_create(
                by=request.user, start_token=form.cleaned_data["start_token"], request=request
            )
        except ReferralError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("referrals:create")
        return redirect("referrals:edit", referral.pk, SECTION_ORDER[0])
    return render(request, "referrals/start.html", {"form": form})


@login_required
def mine(request):
    """The practitioner's own referrals: drafts to continue, and what they submitted."""
    _require_practitioner(request.user)
    referrals = list(referrals_of_author(request.user))
    drafts = [r for r in referrals if r.is_draft]
    submitted = [r for r in referrals if r.submitted_at]
    withdrawn = [r for r in referrals if r.status == CaseStatus.WITHDRAWN and not r.submitted_at]
    # The list names the children, so reading it is audited like a case page.
    audit_record(
        actor=request.user,
        action="referral.list_viewed",
        summary=f"Your referrals list: drafts {len(drafts)}, submitted {len(submitted)}, "
        f"withdrawn drafts {len(withdrawn)}",
        request=request,
    )
    return render(
        request,
        "referrals/mine.html",
        {"drafts": drafts, "submitted": submitted, "withdrawn": withdrawn},
    )


@login_required
def referral_list(request):
    """Submitted referrals: an agency lead's agency's, or all of them for the partnership."""
    user = request.user
    if not can_list_referrals(user):
        raise PermissionDenied("Only agency safeguarding leads and the partnership see this list.")
    status = request.GET.get("status", "")
    if status not in CaseStatus.values or status == CaseStatus.DRAFT:
        status = ""
    reference = request.GET.get("reference", "")[:40]
    page = Paginator(referrals_for_list(user, status=status, reference=reference), 50).get_page(
        request.GET.get("page")
    )
    sees_all = user.is_partnership or user.has_role(Role.ADMINISTRATOR)
    # The list shows incident dates and looked-after status. The reference searched for is
    # left out of the record: the box takes any text, and someone may type a name in it.
    filters = ([f"status={status}"] if status else []) + (["reference"] if reference else [])
    audit_record(
        actor=request.user,
        action="referral.list_viewed",
        summary=f"Submitted referrals list, page {page.number}, {len(page.object_list)} rows, filters: "
        + (", ".join(filters) or "none"),
        request=request,
    )
    return render(
        request,
        "referrals/list.html",
        {
            "page": page,
            "status": status,
            "reference": reference,
            "statuses": [(value, label) for value, label in CaseStatus.choices if value != CaseStatus.DRAFT],
            "heading": "Submitted referrals" if sees_all or not user.agency else f"{user.agency} referrals",
            "sees_all": sees_all,
        },
    )


# --- the draft: task list, section pages, check answers, submit ---


@login_required
def task_list(request, pk):
    referral = _referral_for_author(request, pk)
    if not referral.is_draft:
        return _read_only_redirect(request, referral)
    today = timezone.localdate()
    sections = [
        {"section": section, "status": referral.section_status(section.slug, today=today)}
        for section in SECTIONS
    ]
    completed = sum(1 for item in sections if item["status"] == "Completed")
    audit_record(
        actor=request.user, action="referral.viewed", obj=referral, summary="Task list page", request=request
    )
    return render(
        request,
        "referrals/task_list.html",
        {
            "referral": referral,
            "sections": sections,
            "completed": completed,
            "total": len(sections),
            "refer_by": referral_refer_by(referral, today=today),
        },
    )


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


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk, section):
    """One section of the author's draft. Rows can be added and removed without JavaScript."""
    if section not in SECTION_PAGES:
        raise Http404("No such section")
    referral = _referral_for_author(request, pk)
    if not referral.is_draft:
        return _read_only_redirect(request, referral)
    page = SECTION_PAGES[section]
    if request.method == "GET":
        # Saving is audited by the service; opening a section shows case data, so it is too.
        audit_record(
            actor=request.user,
            action="referral.viewed",
            obj=referral,
            summary=f"Section page: {section}",
            request=request,
        )
    from_check = request.GET.get("next") == "check"
    action = request.POST.get("action", "") if request.method == "POST" else ""
    now = timezone.now()
    today = timezone.localdate(now)
    complete = action == "continue"
    row_action = re.fullmatch(r"(add|remove)-([a-z]+)(?:-(\d+))?", action)

    data = request.POST
    if row_action:
        verb, kind, index = row_action[1], row_action[2], row_action[3]
        rows = _rows_from_data(data, kind)
        if verb == "add" and len(rows) < MAX_ROWS:
            rows.append({})
        elif verb == "remove" and index is not None and int(index) < len(rows):
            rows.pop(int(index))
        data = _data_with_rows(data, kind, rows)

    bound = request.method == "POST"
    form = None
    if page.form is not None:
        form = page.form(data if bound else None, referral=referral, complete=complete, now=now)
    formsets = []
    for spec in page.rows:
        formset_class = spec.formset_class()
        kwargs = {"prefix": spec.kind, "form_kwargs": {"complete": complete, "today": today}}
        if bound:
            formset = formset_class(data, **kwargs)
        else:
            initial = _row_initial(referral, spec.kind)
            formset = formset_class(initial=initial, **kwargs)
            if not initial and spec.start_with_blank_row:
                formset.extra = 1
        formsets.append(formset)

    if bound and row_action:
        for item in [form, *[f for formset in formsets for f in formset.forms]]:
            if item is not None:
                _quiet(item)
        for formset in formsets:
            formset._non_form_errors = forms.utils.ErrorList()
    elif bound:
        valid = (form is None or form.is_valid()) and all(formset.is_valid() for formset in formsets)
        if valid:
            try:
                referral_save_section(
                    referral=referral,
                    section=section,
                    values=form.section_values() if form is not None else {},
                    rows={
                        spec.kind: formset.rows() for spec, formset in zip(page.rows, formsets, strict=True)
                    },
                    by=request.user,
                    now=now,
                    request=request,
                )
            except ReferralAlreadySubmitted:
                return _read_only_redirect(request, referral)
            except ReferralError as error:
                if form is None:
                    raise PermissionDenied(" ".join(error.messages)) from error
                for message in error.messages:
                    form.add_error(None, message)
            else:
                return _after_save(request, referral, section, action, from_check)

    errors = _error_items(form, formsets, page.rows) if bound and not row_action else []
    position = SECTION_ORDER.index(section)
    return render(
        request,
        "referrals/section.html",
        {
            "referral": referral,
            "section": section,
            "title": SECTION_TITLES[section],
            "page": page,
            "form": form,
            "row_groups": list(zip(page.rows, formsets, strict=True)),
            "errors": errors,
            "from_check": from_check,
            "step": position + 1,
            "steps": len(SECTION_ORDER),
            "idle_minutes": settings.SESSION_IDLE_MINUTES,
        },
        status=200,
    )


def _after_save(request, referral, section, action, from_check):
    if action == "continue":
        if from_check:
            return redirect("referrals:check", referral.pk)
        position = SECTION_ORDER.index(section)
        if position + 1 < len(SECTION_ORDER):
            return redirect("referrals:edit", referral.pk, SECTION_ORDER[position + 1])
        return redirect("referrals:check", referral.pk)
    messages.success(
        request,
        "Your draft has been saved. You can come back to it at any time from ‘Your referrals’.",
    )
    return redirect("referrals:task_list", referral.pk)


def _problem_items(referral, problems) -> list[dict]:
    row_titles = {"family": "Family member", "agency": "Agency", "process": "Process"}
    items = []
    for problem in problems:
        text = problem.message
        if problem.row is not None:
            text = f"{row_titles[problem.field.partition('-')[0]]} {problem.row}: {text}"
        items.append(
            {
                "text": text,
                "href": edit_url(referral, problem.section, problem_anchor(problem), from_check=True),
                "section": SECTION_TITLES[problem.section],
            }
        )
    return items


def _render_check(request, referral, *, submit_problems=None, status=200):
    """Check answers, shown on its own or again after a submission was refused; either
    way it shows the whole draft, so it is audited here, once per page shown."""
    now = timezone.now()
    problems = submit_problems if submit_problems is not None else referral.submission_problems(now=now)
    audit_record(
        actor=request.user,
        action="referral.viewed",
        obj=referral,
        summary="Check answers page"
        if submit_problems is None
        else "Check answers page after a refused submission",
        request=request,
        now=now,
    )
    return render(
        request,
        "referrals/check.html",
        {
            "referral": referral,
            "sections": referral_answers(referral, today=timezone.localdate(now), for_author=True),
            "problems": _problem_items(referral, problems),
            "submit_failed": submit_problems is not None,
            "change": True,
            "refer_by": referral_refer_by(referral, today=timezone.localdate(now)),
        },
        status=status,
    )


@login_required
def check(request, pk):
    referral = _referral_for_author(request, pk)
    if not referral.is_draft:
        return _read_only_redirect(request, referral)
    return _render_check(request, referral)


@login_required
@require_POST
def submit(request, pk):
    referral = _referral_for_author(request, pk)
    try:
        referral_submit(referral=referral, by=request.user, request=request)
    except ReferralAlreadySubmitted:
        messages.info(request, "This referral has already been submitted. It was not sent again.")
        return redirect("referrals:confirmation", referral.pk)
    except ReferralError as error:
        if not error.problems:
            messages.error(request, " ".join(error.messages))
            return redirect("referrals:detail", referral.pk)
        return _render_check(request, referral, submit_problems=error.problems)
    return redirect("referrals:confirmation", referral.pk)


@login_required
def confirmation(request, pk):
    referral = _referral_for_author(request, pk)
    if referral.submitted_at is None:
        return redirect("referrals:task_list" if referral.is_draft else "referrals:detail", referral.pk)
    decision = _decision_deadline(referral)
    audit_record(
        actor=request.user,
        action="referral.viewed",
        obj=referral,
        summary="Submission confirmation page",
        request=request,
    )
    return render(
        request,
        "referrals/confirmation.html",
        {
            "referral": referral,
            "decision": decision,
            "decision_passed": decision is not None and decision.due_date < timezone.localdate(),
        },
    )


def _decision_deadline(referral):
    """The subgroup's deadline to decide whether to hold a rapid review (procedure §9), as
    submission opened it: the rulebook, not this page, says how long it is."""
    return referral.deadlines.select_related("rule").filter(rule__code="subgroup_decision").first()


@login_required
@require_http_methods(["GET", "POST"])
def withdraw_draft(request, pk):
    referral = _referral_for_author(request, pk)
    if not referral.is_draft:
        return _read_only_redirect(request, referral)
    if request.method == "POST":
        try:
            referral_withdraw_draft(referral=referral, by=request.user, request=request)
        except ReferralError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("referrals:detail", referral.pk)
        messages.success(request, "Your draft has been withdrawn. It was not sent to the partnership.")
        return redirect("referrals:mine")
    return render(request, "referrals/withdraw_draft.html", {"referral": referral})


# --- the case page and its PDF ---


@login_required
def detail(request, pk):
    referral = referral_get(request.user, pk)
    if referral.is_draft:
        # Only the author can see a draft, and for them it is the task list.
        return redirect("referrals:task_list", referral.pk)
    audit_record(
        actor=request.user, action="referral.viewed", obj=referral, summary="Case page", request=request
    )
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "sections": referral_answers(referral),
            "is_author": referral.created_by_id == request.user.pk,
        },
    )


@login_required
def pdf(request, pk):
    referral = referral_get(request.user, pk)
    if referral.submitted_at is None or not referral.reference:
        raise Http404("Only a submitted referral has a PDF.")
    user = request.user
    content = referral_pdf(
        referral, sections=referral_answers(referral), downloaded_by=user.get_full_name() or user.username
    )
    audit_record(
        actor=request.user,
        action="referral.downloaded",
        obj=referral,
        summary="PDF downloaded",
        request=request,
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{referral.reference}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
