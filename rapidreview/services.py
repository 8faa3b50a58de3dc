"""Records the subgroup keeps during a review that do not move the case: notes, the
involvement log, the final report's versions, recommendations and their progress, and
the publication plan.

Same guarantees as referrals.lifecycle_services: one transaction, the case locked,
state and role checked, an audit event, deadlines and notifications where the
procedure needs them. Rows added from a form carry the form's one-time token, so a
repeated POST returns the row already written instead of adding a second.
"""

from __future__ import annotations

import hashlib
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cspr.accounts.roles import Role
from cspr.audit.services import audit_record
from cspr.notifications.models import ContactRole
from deadlines.services import deadline_open
from referrals.lifecycle_services import (
    CaseActionError,
    case_check_drive,
    case_lock,
    case_notify,
    date_problems,
    deadline_met_on,
    leads_notify,
    long_date,
    raise_problems,
)
from referrals.states import CaseStatus

from .models import (
    CaseNote,
    FinalReport,
    Involvement,
    LocalReview,
    Publication,
    Recommendation,
    RecommendationUpdate,
)
from .uploads import check_upload

S = CaseStatus
# A case takes notes from its submission until it is closed or stops being a case.
NOTE_STATES = tuple(s for s in S if s not in (S.DRAFT, S.CLOSED, S.WITHDRAWN, S.DUPLICATE))
LOCAL_REVIEW_STATES = (S.LCSPR_COMMISSIONED, S.LCSPR_IN_PROGRESS, S.FINAL_REPORT_RECEIVED)
RECOMMENDATION_STATES = (S.FINAL_REPORT_RECEIVED, S.PUBLISHED, S.IMPROVEMENTS_PUBLISHED)


def can_add_note(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_partnership)


def can_update_recommendation(recommendation: Recommendation, user) -> bool:
    """The chair or coordinator, or a safeguarding lead of an agency the recommendation names."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.has_role(Role.CHAIR, Role.COORDINATOR):
        return True
    # Through .all(), so a list that prefetched the agencies asks nothing more.
    return bool(
        user.has_role(Role.AGENCY_LEAD)
        and user.agency_id
        and user.agency_id in {agency.pk for agency in recommendation.agencies.all()}
    )


@transaction.atomic
def case_note_add(*, referral, text: str, token, by, now=None) -> CaseNote:
    """Add a subgroup member's note to the case. Chair, members and coordinator."""
    now = now or timezone.now()
    case = case_lock(referral)
    if not can_add_note(by):
        raise CaseActionError("Only the subgroup chair, its members and the coordinator can add notes")
    # The token is looked up under the case's lock, so a second post of the same form
    # waits for the first to commit and then finds its row.
    existing = CaseNote.objects.filter(token=token).first()
    if existing is not None:
        return existing
    if case.status not in NOTE_STATES:
        raise CaseActionError(f"Notes cannot be added: the case’s status is “{case.get_status_display()}”")
    if not (text or "").strip():
        raise CaseActionError("Enter your note", field="text")
    note = CaseNote.objects.create(referral=case, author=by, created_at=now, text=text.strip(), token=token)
    audit_record(actor=by, action="case.note_added", obj=case, summary="Note added", now=now)
    return note


@transaction.atomic
def involvement_record(
    *, referral, kind: str, who: str, happened_on: date, method: str, details: str = "", token, by, now=None
) -> Involvement:
    """Log one contribution of practitioners or the family to the local review (§10)."""
    now = now or timezone.now()
    case = case_lock(referral)
    case_check_drive(case, by, allowed=LOCAL_REVIEW_STATES, what="log involvement in the local review")
    existing = Involvement.objects.filter(token=token).first()
    if existing is not None:
        return existing
    local = LocalReview.objects.get(referral=case)
    problems: dict = {}
    if kind not in Involvement.Kind.values:
        problems["kind"] = "Select whether this is practitioners’ or the family’s involvement"
    if not (who or "").strip():
        problems["who"] = "Enter who took part"
    date_problems(
        problems,
        "happened_on",
        happened_on,
        today=timezone.localdate(now),
        what="date",
        not_before=local.commissioned_on,
        not_before_label="the date the review was commissioned",
    )
    if method not in Involvement.Method.values:
        problems["method"] = "Select how they took part"
    raise_problems(problems)
    entry = Involvement.objects.create(
        referral=case,
        kind=kind,
        who=who.strip(),
        happened_on=happened_on,
        method=method,
        details=(details or "").strip(),
        recorded_by=by,
        recorded_at=now,
        token=token,
    )
    audit_record(
        actor=by,
        action="case.involvement_logged",
        obj=case,
        summary=f"Involvement logged: {entry.get_kind_display().lower()}, "
        f"{entry.get_method_display().lower()}",
        now=now,
    )
    return entry


def final_report_store(*, case, upload, received_on: date, token, by, now) -> FinalReport:
    """Check and store a final report file for the locked case (called inside a service).

    A file whose token was already stored is returned as it is. The caller deletes the
    stored file (`report.file.delete(save=False)`) if its transaction then fails.
    """
    existing = FinalReport.objects.filter(token=token).first()
    if existing is not None:
        return existing
    problems: dict = {}
    try:
        checked = check_upload(upload)
    except ValidationError as error:
        problems["upload"] = error.messages[0]
    local = LocalReview.objects.filter(referral=case).first()
    date_problems(
        problems,
        "received_on",
        received_on,
        today=timezone.localdate(now),
        what="date the final report was received",
        not_before=local.started_on if local else None,
        not_before_label="the date the local review started",
    )
    raise_problems(problems)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    report = FinalReport(
        referral=case,
        kind=checked.kind,
        original_name=checked.original_name,
        size=checked.size,
        sha256=digest.hexdigest(),
        received_on=received_on,
        uploaded_by=by,
        uploaded_at=now,
        token=token,
    )
    # The storage name comes from final_report_path; the uploader's name is never a path.
    report.file.save(f"report.{checked.kind}", upload, save=False)
    try:
        report.save()
        audit_record(
            actor=by,
            action="case.final_report_uploaded",
            obj=case,
            summary=f"Final report version {report.pk} uploaded "
            f"({checked.kind.upper()}, {checked.size} bytes)",
            now=now,
        )
    except Exception:
        report.file.delete(save=False)
        raise
    return report


@transaction.atomic
def final_report_replace(*, referral, upload, received_on: date, token, by, now=None) -> FinalReport:
    """Store a revised version of the final report before publication."""
    now = now or timezone.now()
    case = case_lock(referral)
    case_check_drive(case, by, allowed=(S.FINAL_REPORT_RECEIVED,), what="upload a revised final report")
    return final_report_store(case=case, upload=upload, received_on=received_on, token=token, by=by, now=now)


def _recommendation_link() -> str:
    return reverse("rapidreview:recommendations")


@transaction.atomic
def recommendation_add(*, referral, required_action: str, agencies, due_on: date, token, by, now=None):
    """Add a recommendation of the final report: what is required, of which agencies, by when.

    Tells the safeguarding leads of those agencies, who record progress until it is done.
    """
    now = now or timezone.now()
    case = case_lock(referral)
    case_check_drive(case, by, allowed=RECOMMENDATION_STATES, what="add a recommendation")
    existing = Recommendation.objects.filter(token=token).first()
    if existing is not None:
        return existing
    agencies = list(agencies)
    problems: dict = {}
    if not (required_action or "").strip():
        problems["required_action"] = "Enter what the recommendation requires"
    if not agencies:
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
    raise_problems(problems)
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
        actor=by,
        action="case.recommendation_added",
        obj=case,
        summary=f"Recommendation {number} added for {len(agencies)} "
        f"agenc{'y' if len(agencies) == 1 else 'ies'}, due {long_date(due_on)}",
        now=now,
    )
    link = _recommendation_link()
    case_notify(
        case,
        event="recommendation-added",
        event_label=f"recommendation {number} of the local review",
        now=now,
        contact_roles=(ContactRole.COORDINATOR,),
        referrer=False,
        action_label="the agencies it names record their progress until it is done",
        due_date=due_on,
        key_suffix=f":{number}",
        template="case_recommendation",
        link_path=link,
    )
    leads_notify(
        case,
        agencies=agencies,
        event="recommendation-added",
        event_label=f"recommendation {number} of the local review",
        now=now,
        action_label="record your agency’s progress on it until it is done",
        due_date=due_on,
        key_suffix=f":{number}",
        template="case_recommendation",
        link_path=link,
    )
    return recommendation


@transaction.atomic
def recommendation_update(
    *, recommendation, status: str, note: str, token, by, now=None
) -> RecommendationUpdate:
    """Record an agency's progress on a recommendation and set its status."""
    now = now or timezone.now()
    case = case_lock(recommendation.referral)
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    if not can_update_recommendation(recommendation, by):
        raise CaseActionError(
            "Only the chair, the coordinator or a safeguarding lead of an agency named in the "
            "recommendation can record progress on it"
        )
    if case.status == S.CLOSED:
        raise CaseActionError("This case is closed")
    existing = RecommendationUpdate.objects.filter(token=token).first()
    if existing is not None:
        return existing
    problems: dict = {}
    if status not in Recommendation.Status.values:
        problems["status"] = "Select the recommendation’s status"
    if not (note or "").strip():
        problems["note"] = "Enter what has been done"
    raise_problems(problems)
    update = RecommendationUpdate.objects.create(
        recommendation=recommendation, status=status, note=note.strip(), by=by, at=now, token=token
    )
    previous = recommendation.status
    recommendation.status = status
    recommendation.save(update_fields=["status"])
    audit_record(
        actor=by,
        action="case.recommendation_updated",
        obj=case,
        summary=f"Recommendation {recommendation.number}: "
        f"{Recommendation.Status(previous).label} → {Recommendation.Status(status).label}",
        now=now,
    )
    if status == Recommendation.Status.DONE and previous != status:
        case_notify(
            case,
            event="recommendation-done",
            event_label=f"recommendation {recommendation.number} is done",
            now=now,
            contact_roles=(ContactRole.COORDINATOR, ContactRole.SUBGROUP_CHAIR),
            referrer=False,
            key_suffix=f":{recommendation.number}:{update.pk}",
        )
    return update


@transaction.atomic
def publication_plan(*, referral, planned_on: date, by, now=None) -> Publication:
    """Plan the publication date; opens "send the final report to the Panel and the
    Secretary of State" 7 working days before it and tells the QA lead and coordinator.

    The date can change until the report has been sent; the deadline follows it. It may
    be in the past, so a publication already under way can be recorded after the event.
    """
    now = now or timezone.now()
    case = case_lock(referral)
    case_check_drive(case, by, allowed=(S.FINAL_REPORT_RECEIVED,), what="plan the publication")
    publication = Publication.objects.select_for_update().filter(referral=case).first()
    if planned_on is None:
        raise CaseActionError("Enter the planned publication date", field="planned_on")
    first_report = FinalReport.objects.filter(referral=case).order_by("received_on").first()
    if first_report is not None and planned_on < first_report.received_on:
        raise CaseActionError(
            "The planned publication date must be on or after the date the final report was received "
            f"({long_date(first_report.received_on)})",
            field="planned_on",
        )
    if publication is not None and publication.sent_to_panel_sos_on:
        raise CaseActionError(
            "The final report has already been sent to the Panel and the Secretary of State for this "
            "publication date; record the publication when it happens",
            field="planned_on",
        )
    if publication is not None and publication.planned_on == planned_on:
        return publication
    if publication is None:
        publication = Publication.objects.create(referral=case, planned_on=planned_on)
    else:
        publication.planned_on = planned_on
        publication.save(update_fields=["planned_on"])
    audit_record(
        actor=by,
        action="case.publication_planned",
        obj=case,
        summary=f"Publication planned for {long_date(planned_on)}",
        now=now,
    )
    deadline = _open_or_move_send_deadline(case, planned_on, by=by, now=now)
    case_notify(
        case,
        event="publication-planned",
        event_label=f"publication planned for {long_date(planned_on)}",
        now=now,
        contact_roles=(ContactRole.LA_SERVICE_LEADER_QA, ContactRole.COORDINATOR, ContactRole.SUBGROUP_CHAIR),
        referrer=False,
        action_label="send the final report to the National Panel and the Secretary of State",
        due_date=deadline.due_date if deadline else None,
        key_suffix=f":{planned_on.isoformat()}",
    )
    return publication


def _open_or_move_send_deadline(case, planned_on: date, *, by, now):
    """Open the 'send the final report 7 working days before publication' deadline, or
    count it again from a new planned date (audited by the deadlines service)."""
    from deadlines.services import deadline_reanchor

    deadline = deadline_open(
        referral=case, rule_code="final_report_to_panel_sos", anchor=planned_on, by=by, now=now
    )
    if deadline is not None and deadline_reanchor(
        referral=case, rule_code="final_report_to_panel_sos", anchor=planned_on, by=by, now=now
    ):
        deadline.refresh_from_db()
    return deadline


@transaction.atomic
def final_report_send(*, referral, sent_on: date, by, now=None) -> Publication:
    """Record the date the final report went to the National Panel and the Secretary of State."""
    now = now or timezone.now()
    case = case_lock(referral)
    case_check_drive(
        case,
        by,
        allowed=(S.FINAL_REPORT_RECEIVED,),
        what="record that the final report was sent to the Panel and the Secretary of State",
    )
    publication = Publication.objects.select_for_update().filter(referral=case).first()
    if publication is None:
        raise CaseActionError("Plan the publication date first")
    report = FinalReport.objects.filter(referral=case).order_by("received_on").first()
    problems: dict = {}
    date_problems(
        problems,
        "sent_on",
        sent_on,
        today=timezone.localdate(now),
        what="date the report was sent",
        not_before=report.received_on if report else None,
        not_before_label="the date the final report was received",
    )
    raise_problems(problems)
    if publication.sent_to_panel_sos_on == sent_on:
        return publication
    publication.sent_to_panel_sos_on = sent_on
    publication.save(update_fields=["sent_to_panel_sos_on"])
    audit_record(
        actor=by,
        action="case.final_report_sent",
        obj=case,
        summary=f"Final report sent to the National Panel and the Secretary of State on {long_date(sent_on)}",
        now=now,
    )
    deadline_met_on(case, "final_report_to_panel_sos", sent_on, by=by, now=now)
    return publication
