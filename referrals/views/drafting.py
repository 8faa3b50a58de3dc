"""The author's draft: starting it, the task list, the section pages, check answers,
submitting and withdrawing it.

Views fetch through `referral_get` (visible_to), validate with a form, call one service and
redirect. Editing is for the author of a draft only; everything else is read-only.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cspr.audit.services import audit_read
from cspr.permissions import require

from .. import services
from ..forms import StartForm
from ..models import SECTION_TITLES, SECTIONS, Referral
from ..permissions import can_edit_draft, can_start_referral
from ..selectors import edit_url, problem_anchor, referral_answers, referral_get, referral_refer_by
from .pages import SECTION_ORDER, SECTION_PAGES, SectionPageState


def _referral_for_author(request, pk) -> Referral:
    referral = referral_get(request.user, pk)
    require(can_edit_draft, request.user, referral)
    return referral


def _read_only_redirect(request, referral):
    if referral.submitted_at is None:
        messages.info(request, "This draft was withdrawn, so it can no longer be changed.")
    else:
        messages.info(request, "This referral has been submitted, so it can no longer be changed.")
    return redirect("referrals:detail", referral.pk)


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    """The start page; its button starts a draft (once, however often it is pressed)."""
    require(can_start_referral, request.user)
    form = StartForm(request.POST or None, initial={"start_token": uuid.uuid4()})
    if request.method == "POST":
        if not form.is_valid():
            messages.error(request, "Something went wrong starting your referral. Try again.")
            return redirect("referrals:create")
        try:
            referral = services.referral_create(
                by=request.user, start_token=form.cleaned_data["start_token"], request=request
            )
        except services.ReferralError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("referrals:create")
        return redirect("referrals:edit", referral.pk, SECTION_ORDER[0])
    return render(request, "referrals/start.html", {"form": form})


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
    audit_read(request=request, obj=referral, what="Task list page")
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


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk, section):
    """One section of the author's draft. Rows can be added and removed without JavaScript."""
    if section not in SECTION_PAGES:
        raise Http404("No such section")
    referral = _referral_for_author(request, pk)
    if not referral.is_draft:
        return _read_only_redirect(request, referral)
    if request.method == "GET":
        # Saving is audited by the service; opening a section shows case data, so it is too.
        audit_read(request=request, obj=referral, what=f"Section page: {section}")
    page = SectionPageState(request, referral, section)
    if page.saving and page.is_valid():
        try:
            services.referral_save_section(
                referral=referral,
                section=section,
                values=page.values(),
                rows=page.rows(),
                by=request.user,
                now=page.now,
                request=request,
            )
        except services.ReferralAlreadySubmitted:
            return _read_only_redirect(request, referral)
        except services.ReferralError as error:
            if page.form is None:
                raise PermissionDenied(" ".join(error.messages)) from error
            for message in error.messages:
                page.form.add_error(None, message)
        else:
            return _after_save(request, referral, section, page.action, page.from_check)
    return render(request, "referrals/section.html", page.context(), status=200)


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
    audit_read(
        request=request,
        obj=referral,
        what="Check answers page"
        if submit_problems is None
        else "Check answers page after a refused submission",
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
        services.referral_submit(referral=referral, by=request.user, request=request)
    except services.ReferralAlreadySubmitted:
        messages.info(request, "This referral has already been submitted. It was not sent again.")
        return redirect("referrals:confirmation", referral.pk)
    except services.ReferralError as error:
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
    audit_read(request=request, obj=referral, what="Submission confirmation page")
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
            services.referral_withdraw_draft(referral=referral, by=request.user, request=request)
        except services.ReferralError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("referrals:detail", referral.pk)
        messages.success(request, "Your draft has been withdrawn. It was not sent to the partnership.")
        return redirect("referrals:mine")
    return render(request, "referrals/withdraw_draft.html", {"referral": referral})
