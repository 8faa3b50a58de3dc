"""Reads for the case page's lifecycle panel and the subgroup's home page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count
from django.utils import timezone

from cspr.accounts.roles import Role
from cspr.audit.models import AuditAction, AuditEvent
from referrals.lifecycle.moves import Move
from referrals.lifecycle.states import CaseStatus
from referrals.models import CaseTransition, Referral, SubgroupDecision
from referrals.selectors import triage_queue

from .actions import actions_for
from .models import (
    CaseNote,
    FinalReport,
    Involvement,
    Recommendation,
)
from .permissions import can_act_on_cases, can_record_progress, can_see_deliberations

S = CaseStatus


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    title: str
    by: str
    reason: str = ""
    kind: str = "transition"

    @property
    def is_move(self) -> bool:
        """A move of the case, rather than a record made between moves."""
        return self.kind == "transition"


def _person(user) -> str:
    if user is None:
        return "System"
    return user.get_full_name() or user.get_username()


# Audit actions that record something on the case without moving it: the timeline
# shows them between the moves, for those who may see deliberations.
TIMELINE_RECORDS = (
    AuditAction.DECISION_COMMUNICATED,
    AuditAction.DUPLICATE_LINKED,
    AuditAction.PANEL_OFSTED_DFE_INFORMED,
    AuditAction.INVOLVEMENT_LOGGED,
    AuditAction.FINAL_REPORT_UPLOADED,
    AuditAction.RECOMMENDATION_ADDED,
    AuditAction.RECOMMENDATION_UPDATED,
    AuditAction.PUBLICATION_PLANNED,
    AuditAction.FINAL_REPORT_SENT,
    AuditAction.NOTE_ADDED,
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
    if case.submitted_at and not any(row.name == Move.SUBMIT for row in rows):
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
    rapid_review = getattr(case, "rapid_review", None)
    local_review = getattr(case, "local_review", None)
    publication = getattr(case, "publication", None)
    recommendations = Recommendation.objects.filter(referral=case)
    published_in_full = bool(publication and publication.published_on and publication.full_report_published)
    if not (deliberations or published_in_full):
        # Until the full report is published, its recommendations are the subgroup's; an
        # agency lead sees the ones their agency must act on.
        recommendations = recommendations.filter(pk__in=Recommendation.objects.visible_to(user).values("pk"))
    recommendations = list(recommendations.prefetch_related("agencies", "updates__by"))
    actions = actions_for(case, user) if can_act_on_cases(user) else []
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
        "records_progress": can_record_progress(user),
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


def lifecycle_home(user) -> dict:
    """What the home page shows the subgroup (triage and cases by stage) and agency leads
    (their agency's open recommendations)."""
    if not getattr(user, "is_authenticated", False):
        return {"show": False}
    context = {"show": False, "user": user}
    if user.is_partnership:
        counts = dict(
            Referral.objects.visible_to(user)
            .filter(status__in=S.stage_states)
            .values_list("status")
            .annotate(count=Count("pk"))
            .order_by()
        )
        context.update(
            show=True,
            partnership=True,
            is_chair=user.has_role(Role.CHAIR),
            awaiting=triage_queue(user).count(),
            # Each stage links to the referrals list filtered to it.
            stages=[
                (status.value, status.label, counts[status])
                for status in S.stage_states
                if counts.get(status)
            ],
        )
    if user.has_role(Role.AGENCY_LEAD, Role.CHAIR, Role.COORDINATOR):
        open_recommendations = (
            Recommendation.objects.visible_to(user).open().exclude(referral__status=S.CLOSED)
        )
        count = open_recommendations.count()
        if count or user.has_role(Role.AGENCY_LEAD):
            context.update(show=True, show_recommendations=True, recommendations=count)
    return context
