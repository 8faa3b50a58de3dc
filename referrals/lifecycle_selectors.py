"""Reads for the lifecycle's screens: the chair's triage queue and the case page's panel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from cspr.accounts.roles import Role
from cspr.audit.models import AuditEvent
from deadlines.models import Deadline
from rapidreview.models import (
    CaseNote,
    FinalReport,
    Involvement,
    LocalReview,
    Publication,
    RapidReview,
    Recommendation,
    can_see_deliberations,
)

from .lifecycle_actions import actions_for
from .lifecycle_models import CaseTransition, SubgroupDecision
from .models import Referral
from .states import CaseStatus

S = CaseStatus


def triage_queue(user):
    """Submitted referrals awaiting the subgroup decision, the most urgent deadline first.

    A referral without a "subgroup decision" deadline (rule made inactive) comes last,
    oldest submission first.
    """
    deadline = Deadline.objects.filter(referral=OuterRef("pk"), rule__code="subgroup_decision")
    return (
        Referral.objects.visible_to(user)
        .awaiting_decision()
        .select_related("agency")
        .annotate(
            decision_due_at=Subquery(deadline.values("due_at")[:1]),
            decision_due_date=Subquery(deadline.values("due_date")[:1]),
        )
        .order_by(F("decision_due_at").asc(nulls_last=True), "submitted_at", "pk")
    )


def possible_duplicates(queue, user) -> dict[int, list[Referral]]:
    """For each referral in the queue, the other live cases about the same child and
    incident (same date of birth and incident date), which may be the same incident
    referred by another agency. The chair or coordinator decides; this only points."""

    def key(referral):
        return (referral.child_date_of_birth, referral.incident_date)

    keys = {key(r) for r in queue if all(key(r))}
    if not keys:
        return {}
    others = (
        Referral.objects.visible_to(user)
        .exclude(status__in=[S.DRAFT, S.WITHDRAWN, S.DUPLICATE])
        .filter(
            child_date_of_birth__in={born for born, _ in keys},
            incident_date__in={incident for _, incident in keys},
        )
        .only("pk", "reference", "child_date_of_birth", "incident_date")
        .order_by("submitted_at", "pk")
    )
    by_key: dict = {}
    for other in others:
        by_key.setdefault(key(other), []).append(other)
    return {r.pk: [other for other in by_key.get(key(r), []) if other.pk != r.pk] for r in queue}


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    title: str
    by: str
    reason: str = ""
    kind: str = "transition"


def _person(user) -> str:
    if user is None:
        return "System"
    return user.get_full_name() or user.get_username()


# Audit actions that record something on the case without moving it: the timeline
# shows them between the moves, for those who may see deliberations.
TIMELINE_RECORDS = (
    "case.decision_communicated",
    "case.duplicate_linked",
    "case.panel_ofsted_dfe_informed",
    "case.involvement_logged",
    "case.final_report_uploaded",
    "case.recommendation_added",
    "case.recommendation_updated",
    "case.publication_planned",
    "case.final_report_sent",
    "case.note_added",
)


def case_timeline(case: Referral, *, deliberations: bool) -> list[TimelineEntry]:
    """The case's moves and, for the subgroup, what was recorded between them; oldest first.

    Reasons and records only for those who may see deliberations.
    """
    rows = list(CaseTransition.objects.for_case(case).select_related("by"))
    entries = []
    if deliberations:
        events = (
            AuditEvent.objects.for_object(case).filter(action__in=TIMELINE_RECORDS).select_related("actor")
        )
        entries += [
            TimelineEntry(at=event.at, title=event.summary, by=_person(event.actor), kind="record")
            for event in events
        ]
    if case.submitted_at and not any(row.name == "submit" for row in rows):
        entries.append(TimelineEntry(at=case.submitted_at, title="Submitted", by=_person(case.created_by)))
    for row in rows:
        entries.append(
            TimelineEntry(
                at=row.at,
                title=row.to_label,
                by=_person(row.by),
                reason=row.reason if deliberations else "",
            )
        )
    return sorted(entries, key=lambda e: (e.at, e.kind != "transition"))


def case_panel(case: Referral, user) -> dict:
    """Everything the case page's lifecycle panel shows this person."""
    deliberations = can_see_deliberations(user)
    decision = (
        SubgroupDecision.objects.filter(referral=case)
        .prefetch_related("organisations")
        .select_related("recorded_by")
        .first()
    )
    rapid_review = RapidReview.objects.filter(referral=case).prefetch_related("organisations").first()
    local_review = LocalReview.objects.filter(referral=case).first()
    publication = Publication.objects.filter(referral=case).first()
    recommendations = Recommendation.objects.filter(referral=case)
    published_in_full = bool(publication and publication.published_on and publication.full_report_published)
    if not (deliberations or published_in_full):
        # Until the full report is published, its recommendations are the subgroup's; an
        # agency lead sees the ones their agency must act on.
        recommendations = recommendations.filter(pk__in=Recommendation.objects.visible_to(user).values("pk"))
    recommendations = list(recommendations.prefetch_related("agencies", "updates__by"))
    actions = actions_for(case, user) if user.is_partnership else []
    moves = [(action, action.blockers(case)) for action in actions if action.moves_case]
    visible = Referral.objects.visible_to(user)
    return {
        "referral": case,
        "deliberations": deliberations,
        "decision": decision,
        "rapid_review": rapid_review,
        "local_review": local_review,
        "publication": publication,
        "recommendations": recommendations,
        "published_in_full": published_in_full,
        "records_progress": user.has_role(Role.CHAIR, Role.COORDINATOR, Role.AGENCY_LEAD),
        "involvement": list(Involvement.objects.filter(referral=case)) if deliberations else [],
        "reports": list(FinalReport.objects.filter(referral=case)) if deliberations else [],
        "notes": list(CaseNote.objects.filter(referral=case).select_related("author"))
        if deliberations
        else [],
        "move_actions": [action for action, blockers in moves if not blockers],
        "blocked_moves": [(action, blockers) for action, blockers in moves if blockers],
        "record_actions": [action for action in actions if not action.moves_case],
        "timeline": case_timeline(case, deliberations=deliberations),
        "audit_events": list(AuditEvent.objects.for_object(case)[:200]) if deliberations else [],
        "duplicate_of": visible.filter(pk=case.duplicate_of_id).first() if case.duplicate_of_id else None,
        "duplicates": list(visible.filter(duplicate_of=case).order_by("submitted_at")),
        "today": timezone.localdate(),
    }
