"""The case page and its PDF, the referral lists, the chair's triage queue, and the
local authority's awareness date.

Views fetch through visible_to, check the person's role through referrals.permissions,
validate a form, call one service and redirect; every read of case data is audited.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cspr.audit.models import AuditAction
from cspr.audit.services import audit_read, audit_record
from cspr.forms import add_problems
from cspr.permissions import require
from deadlines import calendar
from deadlines.permissions import can_record_notifications

from ..forms import LaAwareForm
from ..lifecycle.kernel import CaseActionError
from ..lifecycle.states import CaseStatus
from ..models import Referral
from ..pdf import referral_pdf
from ..permissions import (
    can_list_referrals,
    can_record_decision,
    can_see_all_referrals,
    can_start_referral,
    can_triage,
)
from ..selectors import (
    possible_duplicates,
    referral_answers,
    referral_get,
    referrals_for_list,
    referrals_of_author,
    triage_queue,
)
from ..services import referral_record_la_aware


@login_required
def mine(request):
    """The practitioner's own referrals: drafts to continue, and what they submitted."""
    require(can_start_referral, request.user)
    referrals = list(referrals_of_author(request.user))
    drafts = [r for r in referrals if r.is_draft]
    submitted = [r for r in referrals if r.submitted_at]
    withdrawn = [r for r in referrals if r.status == CaseStatus.WITHDRAWN and not r.submitted_at]
    # The list names the children, so reading it is audited like a case page.
    audit_read(
        request=request,
        what=f"Your referrals list: drafts {len(drafts)}, submitted {len(submitted)}, "
        f"withdrawn drafts {len(withdrawn)}",
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
    require(can_list_referrals, user)
    status = request.GET.get("status", "")
    if status not in CaseStatus.values or status == CaseStatus.DRAFT:
        status = ""
    reference = request.GET.get("reference", "")[:40]
    page = Paginator(referrals_for_list(user, status=status, reference=reference), 50).get_page(
        request.GET.get("page")
    )
    sees_all = can_see_all_referrals(user)
    # The list shows incident dates and looked-after status. The reference searched for is
    # left out of the record: the box takes any text, and someone may type a name in it.
    filters = ([f"status={status}"] if status else []) + (["reference"] if reference else [])
    audit_read(
        request=request,
        what=f"Submitted referrals list, page {page.number}, {len(page.object_list)} rows, filters: "
        + (", ".join(filters) or "none"),
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


@login_required
def detail(request, pk):
    referral = referral_get(request.user, pk)
    if referral.is_draft:
        # Only the author can see a draft, and for them it is the task list.
        return redirect("referrals:task_list", referral.pk)
    audit_read(request=request, obj=referral, what="Case page")
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
    audit_record(request.user, AuditAction.REFERRAL_DOWNLOADED, referral, "PDF downloaded", request=request)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{referral.reference}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET"])
def triage(request):
    """Submitted referrals awaiting the subgroup decision, most urgent first."""
    require(can_triage, request.user)
    queue = list(triage_queue(request.user))
    duplicates = possible_duplicates(queue, request.user)
    for referral in queue:
        referral.possible_duplicates = duplicates.get(referral.pk, [])
    audit_read(request=request, what=f"Triage queue viewed ({len(queue)} awaiting a decision)")
    return render(
        request,
        "referrals/triage.html",
        {"queue": queue, "can_decide": can_record_decision(request.user), "now": timezone.now()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def la_aware(request, referral_pk):
    """Record an earlier date the local authority became aware; its clocks move to match."""
    require(can_record_notifications, request.user)
    referral = get_object_or_404(Referral.objects.visible_to(request.user).submitted(), pk=referral_pk)
    back_url = reverse("referrals:detail", args=[referral.pk]) + "#deadlines"
    form = LaAwareForm(request.POST or None, initial={"la_aware_on": referral.la_aware_on})
    if request.method == "POST" and form.is_valid():
        try:
            moves = referral_record_la_aware(
                referral=referral, la_aware_on=form.cleaned_data["la_aware_on"], by=request.user
            )
        except CaseActionError as error:
            add_problems(form, error.problems)
        else:
            moved = "; ".join(f"{m.rule_label}: {calendar.format_day(m.new_due)}" for m in moves)
            messages.success(
                request,
                "Date the local authority became aware saved."
                + (f" New due dates – {moved}." if moved else " No open deadline moved."),
            )
            return redirect(back_url)
    again = " (shown again with errors)" if request.method == "POST" else ""
    audit_read(request=request, obj=referral, what=f"Local authority awareness date page{again}")
    return render(
        request,
        "referrals/la_aware.html",
        {
            "form": form,
            "referral": referral,
            "heading": "When the local authority became aware",
            "back_url": back_url,
            "submitted_on": calendar.london_date(referral.submitted_at),
        },
    )
