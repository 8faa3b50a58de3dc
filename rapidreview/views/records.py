"""The final report download, and the recommendations agencies report progress on."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cspr.audit.models import AuditAction
from cspr.audit.services import audit_read, audit_record
from cspr.forms import add_problems
from cspr.permissions import require
from referrals.lifecycle.kernel import CaseActionError
from referrals.lifecycle.states import CaseStatus
from referrals.models import Referral

from ..forms import RecommendationUpdateForm
from ..models import FinalReport, Recommendation
from ..permissions import can_download_reports, can_list_recommendations, can_update_recommendation
from ..services import recommendation_update as recommendation_update_service


@login_required
@require_http_methods(["GET"])
def report_download(request, pk: int):
    """Send one stored final report, after checking the person may read it; audited."""
    report = get_object_or_404(FinalReport.objects.select_related("referral"), pk=pk)
    if not Referral.objects.visible_to(request.user).filter(pk=report.referral_id).exists():
        raise Http404
    require(can_download_reports, request.user)
    try:
        handle = report.file.open("rb")
    except FileNotFoundError:
        raise Http404("The stored file is missing") from None
    audit_record(
        request.user,
        AuditAction.FINAL_REPORT_DOWNLOADED,
        report.referral,
        f"Final report version {report.pk} downloaded",
        request=request,
    )
    # The uploader's own file name often names the child; the download names the case.
    response = FileResponse(
        handle, as_attachment=True, filename=report.download_name, content_type=report.content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _recommendations_for(user):
    return (
        Recommendation.objects.visible_to(user)
        .filter(referral__in=Referral.objects.exclude(status=CaseStatus.CLOSED).values("pk"))
        .select_related("referral")
        .prefetch_related("agencies")
        .order_by("status", "due_on", "pk")
    )


@login_required
@require_http_methods(["GET"])
def recommendations(request):
    """Open recommendations: an agency lead sees their agency's; the subgroup sees all."""
    user = request.user
    require(can_list_recommendations, user)
    rows = list(_recommendations_for(user))
    for row in rows:
        # Members read the list; only those who may record progress get the link.
        row.can_update = can_update_recommendation(user, row)
    audit_read(request=request, what=f"Recommendations list viewed ({len(rows)} shown)")
    return render(
        request,
        "rapidreview/recommendations.html",
        {
            "open_rows": [r for r in rows if r.status != Recommendation.Status.DONE],
            "done_rows": [r for r in rows if r.status == Recommendation.Status.DONE],
            "agency": user.agency if not user.is_partnership else None,
            "partnership": user.is_partnership,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_update(request, pk: int):
    """Record progress on one recommendation (agency lead of a named agency, chair, coordinator)."""
    recommendation = get_object_or_404(
        Recommendation.objects.visible_to(request.user).select_related("referral"), pk=pk
    )
    require(can_update_recommendation, request.user, recommendation)
    case = recommendation.referral
    if request.method == "POST":
        form = RecommendationUpdateForm(
            request.POST, case=case, user=request.user, recommendation=recommendation
        )
        if form.is_valid():
            try:
                recommendation_update_service(
                    recommendation=recommendation,
                    status=form.cleaned_data["status"],
                    note=form.cleaned_data["note"],
                    token=form.cleaned_data["token"],
                    by=request.user,
                )
            except CaseActionError as error:
                add_problems(form, error.problems)
            else:
                messages.success(
                    request, f"Progress on recommendation {recommendation.number} has been saved"
                )
                return redirect("rapidreview:recommendations")
    else:
        form = RecommendationUpdateForm(case=case, user=request.user, recommendation=recommendation)
        audit_read(request=request, obj=case, what=f"Recommendation {recommendation.number} opened")
    return render(
        request,
        "rapidreview/recommendation_update.html",
        {
            "recommendation": recommendation,
            "updates": recommendation.updates.select_related("by"),
            "form": form,
        },
    )
