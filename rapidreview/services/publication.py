"""Publishing the final report, or only the improvements to be made (§11), after it
has gone to the National Panel and the Secretary of State."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from cspr.audit.models import AuditAction
from cspr.audit.services import audit_record
from cspr.dates import long_date
from deadlines.services import deadline_open, deadline_reanchor
from referrals.lifecycle import kernel
from referrals.lifecycle.moves import Move
from referrals.lifecycle.states import CaseStatus
from referrals.services import case_date_record, case_tell

from ..models import (
    FinalReport,
    Publication,
    Recommendation,
)
from . import notices

S = CaseStatus
# The deadline of sending the final report to the Panel and the Secretary of State.
SEND = "final_report_to_panel_sos"


# The dates asked for here: what messages call them, and what they may not come before.
REPORT_SENT_ON = kernel.DateAnswer(
    "sent_on", "date the report was sent", after="the date the final report was received"
)
PUBLISHED_ON = kernel.DateAnswer(
    "published_on",
    "date of publication",
    after="the date the report was sent to the Panel and the Secretary of State",
)


def plan_problems(case, *, planned_on: date | None) -> dict:
    """What is wrong with a planned publication date: missing, before the final report
    arrived, or too late to change because the report has been sent for it."""
    if planned_on is None:
        return {"planned_on": "Enter the planned publication date"}
    first_report = FinalReport.objects.filter(referral=case).order_by("received_on").first()
    if first_report is not None and planned_on < first_report.received_on:
        return {
            "planned_on": "The planned publication date must be on or after the date the final report was "
            f"received ({long_date(first_report.received_on)})"
        }
    publication = getattr(case, "publication", None)
    if publication is not None and publication.sent_to_panel_sos_on:
        return {
            "planned_on": "The final report has already been sent to the Panel and the Secretary of State "
            "for this publication date; record the publication when it happens"
        }
    return {}


def report_sent_problems(case, *, sent_on: date | None, today: date) -> dict:
    report = FinalReport.objects.filter(referral=case).order_by("received_on").first()
    problems = REPORT_SENT_ON.problems(sent_on, today=today, earliest=report.received_on if report else None)
    return problems


def publish_problems(
    publication: Publication,
    *,
    full_report: bool | None,
    published_on: date | None,
    where_published: str,
    not_published_rationale: str,
    improvements_summary: str,
    today: date,
) -> dict:
    """What a publication needs: what was published, when (not before the report went to
    the Panel and the Secretary of State) and where; and, when only the improvements
    were published, why and what."""
    problems: dict = {}
    if full_report is None:
        problems["full_report"] = "Select what was published"
    problems.update(
        PUBLISHED_ON.problems(published_on, today=today, earliest=publication.sent_to_panel_sos_on)
    )
    if not (where_published or "").strip():
        problems["where_published"] = "Enter where it was published"
    if full_report is False:
        if not (not_published_rationale or "").strip():
            problems["not_published_rationale"] = "Enter why the full report is not being published"
        if not (improvements_summary or "").strip():
            problems["improvements_summary"] = "Enter what was published about the improvements to be made"
    return problems


@transaction.atomic
def publication_plan(*, referral, planned_on: date, by, now=None) -> Publication:
    """Plan the publication date; opens "send the final report to the Panel and the
    Secretary of State" 7 working days before it and tells the QA lead and coordinator.

    The date can change until the report has been sent; the deadline follows it. It may
    be in the past, so a publication already under way can be recorded after the event.
    """
    now = now or timezone.now()
    case = kernel.case_lock(referral)
    kernel.case_check_record(case, by, allowed=(S.FINAL_REPORT_RECEIVED,), what="plan the publication")
    publication = Publication.objects.select_for_update().filter(referral=case).first()
    kernel.raise_problems(plan_problems(case, planned_on=planned_on))
    if publication is not None and publication.planned_on == planned_on:
        return publication
    if publication is None:
        publication = Publication.objects.create(referral=case, planned_on=planned_on)
    else:
        publication.planned_on = planned_on
        publication.save(update_fields=["planned_on"])
    audit_record(
        by, AuditAction.PUBLICATION_PLANNED, case, f"Publication planned for {long_date(planned_on)}", now=now
    )
    deadline = _open_or_move_send_deadline(case, planned_on, by=by, now=now)
    due = deadline.due_date if deadline else None
    day = long_date(planned_on)
    case_tell(
        case, notices.PUBLICATION_PLANNED, now=now, due_date=due, key=f":{planned_on.isoformat()}", day=day
    )
    return publication


def _open_or_move_send_deadline(case, planned_on: date, *, by, now):
    """Open the 'send the final report 7 working days before publication' deadline, or
    count it again from a new planned date (audited by the deadlines service)."""

    deadline = deadline_open(referral=case, rule_code=SEND, anchor=planned_on, by=by, now=now)
    if deadline is not None and deadline_reanchor(
        referral=case, rule_code=SEND, anchor=planned_on, by=by, now=now
    ):
        deadline.refresh_from_db()
    return deadline


@transaction.atomic
def final_report_send(*, referral, sent_on: date, by, now=None) -> Publication:
    """Record the date the final report went to the National Panel and the Secretary of State."""
    now = now or timezone.now()
    case = kernel.case_lock(referral)
    kernel.case_check_record(
        case,
        by,
        allowed=(S.FINAL_REPORT_RECEIVED,),
        what="record that the final report was sent to the Panel and the Secretary of State",
    )
    publication = Publication.objects.select_for_update().filter(referral=case).first()
    if publication is None:
        raise kernel.CaseActionError("Plan the publication date first")
    kernel.raise_problems(report_sent_problems(case, sent_on=sent_on, today=timezone.localdate(now)))
    summary = f"Final report sent to the National Panel and the Secretary of State on {long_date(sent_on)}"
    action = AuditAction.FINAL_REPORT_SENT
    return case_date_record(
        case,
        publication,
        "sent_to_panel_sos_on",
        sent_on,
        by=by,
        now=now,
        action=action,
        summary=summary,
        meets=SEND,
    )


@transaction.atomic
def case_publish(
    *,
    referral,
    full_report: bool,
    published_on: date,
    where_published: str,
    not_published_rationale: str = "",
    improvements_summary: str = "",
    by,
    now=None,
):
    """Record the publication: the full report, or only the improvements with the reason.

    Needs the publication planned and the final report sent to the National Panel and
    the Secretary of State first (Working Together: at least 7 working days before).
    """

    now = now or timezone.now()
    case = kernel.case_lock(referral)
    move = Move.PUBLISH_REPORT if full_report else Move.PUBLISH_IMPROVEMENTS_ONLY
    kernel.case_check_move(case, move, by)
    publication = Publication.objects.select_for_update().filter(referral=case).first()
    if publication is None or publication.sent_to_panel_sos_on is None:
        raise kernel.CaseActionError(
            "Record when the final report was sent to the National Panel and the Secretary of State "
            "before recording the publication"
        )
    kernel.raise_problems(
        publish_problems(
            publication,
            full_report=full_report,
            published_on=published_on,
            where_published=where_published,
            not_published_rationale=not_published_rationale,
            improvements_summary=improvements_summary,
            today=timezone.localdate(now),
        )
    )
    publication.full_report_published = full_report
    publication.published_on = published_on
    publication.where_published = where_published.strip()
    publication.not_published_rationale = "" if full_report else not_published_rationale.strip()
    publication.improvements_summary = "" if full_report else improvements_summary.strip()
    publication.save()
    row = kernel.case_move(
        case,
        move,
        by=by,
        now=now,
        reason=publication.not_published_rationale,
        details={"published_on": published_on.isoformat(), "full_report": full_report},
    )

    agencies = {a for r in Recommendation.objects.filter(referral=case) for a in r.agencies.all()}
    published = (
        "the final report has been published" if full_report else "the improvements have been published"
    )
    case_tell(case, notices.PUBLISHED, now=now, agencies=agencies, what=published)

    return row
