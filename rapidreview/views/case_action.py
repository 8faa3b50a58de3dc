"""One page per action on a case (form → service → back to the case page), and the
rules both it and the admin buttons follow for a repeated or stale post."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from cspr.audit.services import audit_read
from cspr.forms import add_problems
from referrals.lifecycle.kernel import CaseActionError
from referrals.lifecycle.refusals import refusal_message
from referrals.models import CaseTransition, Referral

from ..actions import ACTIONS
from ..permissions import can_act_on_cases
from ..uploads import UploadSizeLimitHandler, too_large_message

# A second post of a form this soon after the same person made its move is the same
# click arriving twice (or a resubmitted page), not a new attempt.
REPEAT_WINDOW = timedelta(minutes=2)


def is_repeat_of_own_move(action, case, user) -> bool:
    """Whether this person has just made this action's move on the case themselves."""
    if not action.moves_case:
        return False
    last = CaseTransition.objects.for_case(case).order_by("-at", "-id").first()
    return bool(
        last is not None
        and last.name in action.transitions
        and last.by_id == user.pk
        and timezone.now() - last.at < REPEAT_WINDOW
    )


def not_offered_message(action, case) -> str:
    if action.transitions:
        return refusal_message(action.transitions[0], case.status)
    return f"‘{action.label}’ is not possible now: the case’s status is “{case.get_status_display()}”"


# CSRF is checked inside, by csrf_protect: the middleware's check reads the request body,
# and the upload size limit must be in place before anything does.
@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def case_action(request, pk: int, action: str):
    """One action on a case. GET shows its form; POST hands it to the action's service.

    The service decides: a refusal (the case moved on meanwhile, a missing rationale)
    comes back as errors on the form, with nothing written and nothing typed lost.
    """
    request.upload_handlers.insert(0, UploadSizeLimitHandler(request))
    return _case_action(request, pk, action)


@csrf_protect
def _case_action(request, pk: int, action: str):
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    case = get_object_or_404(Referral.objects.visible_to(request.user).select_related("agency"), pk=pk)
    # Administrators act through admin (same forms and services); these pages are the
    # subgroup's and the coordinator's.
    if not (can_act_on_cases(request.user) and spec.may(case, request.user)):
        raise PermissionDenied
    detail_url = reverse("referrals:detail", args=[case.pk])
    form_kwargs = {"case": case, "user": request.user}
    if request.method == "POST":
        form = spec.form_class(request.POST, request.FILES, **form_kwargs)
        for name in getattr(request, "uploads_too_large", ()):
            if name in form.fields:
                form.fields[name].error_messages["required"] = too_large_message()
        if form.is_valid():
            try:
                spec.run(form, case, request.user)
            except CaseActionError as error:
                if is_repeat_of_own_move(spec, case, request.user):
                    # The first post made the move: show the case as after one click.
                    messages.success(request, spec.success)
                    return redirect(detail_url)
                add_problems(form, error.problems)
            else:
                messages.success(request, spec.success)
                return redirect(detail_url)
    else:
        if not spec.available(case, request.user):
            messages.info(request, not_offered_message(spec, case))
            return redirect(detail_url)
        blockers = spec.blockers(case)
        if blockers:
            messages.info(request, f"Before you can {spec.label[0].lower()}{spec.label[1:]}: {blockers[0]}")
            return redirect(detail_url)
        form = spec.form_class(**form_kwargs)
        audit_read(request=request, obj=case, what=f"Opened ‘{spec.label}’")
    return render(
        request,
        "rapidreview/case_action.html",
        {"action": spec, "referral": case, "form": form, "detail_url": detail_url},
        status=200,
    )
