"""Recommendations of the final report and the agencies' progress on them (§11)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from cspr.audit.models import AuditAction
from cspr.audit.services import audit_record
from cspr.dates import long_date
from referrals.lifecycle import kernel
from referrals.lifecycle.states import CaseStatus
from referrals.services import case_tell

from ..models import (
    FinalReport,
    Recommendation,
    RecommendationUpdate,
)
from ..permissions import can_update_recommendation
from . import notices

S = CaseStatus


def recommendation_problems(case, *, required_action: str, agencies, due_on: date | None) -> dict:
    """What a recommendation needs: what is required, of which agencies, by when (not
    before the final report it comes from)."""
    problems: dict = {}
    if not (required_action or "").strip():
        problems["required_action"] = "Enter what the recommendation requires"
    if not list(agencies or []):
        problems["agencies"] = "Select the agencies the recommendation is for"
    first_report = FinalReport.objects.filter(referral=case).order_by("received_on").first()
    if due_on is None:
        problems["due_on"] = "Enter the date it must be done by"
    elif first_report is not None and due_on < first_report.received_on:
        # A recommendation comes from the final report, so it cannot fall due before it.
        problems["due_on"] = (
            "The date it must be done by must be on or after the date the final report was "
            f"received ({long_date(first_report.received_on)})"
        )
    return problems


def progress_problems(*, status: str, note: str) -> dict:
    problems: dict = {}
    if status not in Recommendation.Status.values:
        problems["status"] = "Select the recommendation’s status"
    if not (note or "").strip():
        problems["note"] = "Enter what has been done"
    return problems


@transaction.atomic
def recommendation_add(*, referral, required_action: str, agencies, due_on: date, token, by, now=None):
    """Add a recommendation of the final report: what is required, of which agencies, by when.

    Tells the safeguarding leads of those agencies, who record progress until it is done.
    """
    now = now or timezone.now()
    case = kernel.case_lock(referral)
    kernel.case_check_record(case, by, allowed=S.recommendation_states, what="add a recommendation")
    existing = Recommendation.objects.filter(token=token).first()
    if existing is not None:
        return existing
    agencies = list(agencies)
    kernel.raise_problems(
        recommendation_problems(case, required_action=required_action, agencies=agencies, due_on=due_on)
    )
    number = (
        Recommendation.objects.filter(referral=case)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
        or 0
    ) + 1
    recommendation = Recommendation.objects.create(
        referral=case,
        number=number,
        required_action=required_action.strip(),
        due_on=due_on,
        created_by=by,
        created_at=now,
        token=token,
    )
    recommendation.agencies.set(agencies)
    audit_record(
        by,
        AuditAction.RECOMMENDATION_ADDED,
        case,
        f"Recommendation {number} added for {len(agencies)} "
        f"agenc{'y' if len(agencies) == 1 else 'ies'}, due {long_date(due_on)}",
        now=now,
    )
    tell = {"due_date": due_on, "agencies": agencies, "key": f":{number}", "number": number}
    case_tell(case, notices.RECOMMENDATION_ADDED, now=now, **tell)
    return recommendation


@transaction.atomic
def recommendation_update(
    *, recommendation, status: str, note: str, token, by, now=None
) -> RecommendationUpdate:
    """Record an agency's progress on a recommendation and set its status."""
    now = now or timezone.now()
    case = kernel.case_lock(recommendation.referral)
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    if not can_update_recommendation(by, recommendation):
        raise kernel.CaseActionError(can_update_recommendation.refusal)
    if case.status == S.CLOSED:
        raise kernel.CaseActionError("This case is closed")
    existing = RecommendationUpdate.objects.filter(token=token).first()
    if existing is not None:
        return existing
    kernel.raise_problems(progress_problems(status=status, note=note))
    update = RecommendationUpdate.objects.create(
        recommendation=recommendation, status=status, note=note.strip(), by=by, at=now, token=token
    )
    previous = recommendation.status
    recommendation.status = status
    recommendation.save(update_fields=["status"])
    audit_record(
        by,
        AuditAction.RECOMMENDATION_UPDATED,
        case,
        f"Recommendation {recommendation.number}: "
        f"{Recommendation.Status(previous).label} → {Recommendation.Status(status).label}",
        now=now,
    )
    if status == Recommendation.Status.DONE and previous != status:
        key = f":{recommendation.number}:{update.pk}"
        case_tell(case, notices.RECOMMENDATION_DONE, now=now, key=key, number=recommendation.number)
    return update
