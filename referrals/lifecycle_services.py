"""One service per move of a case after submission (procedure §9–§11).

Every service here is one transaction that:
1. locks the case row (`select_for_update`), so two people acting at once are served
   one after the other and the second sees the first's result;
2. checks the move is possible from the case's state *now* and that the person may make
   it (the transition's `permission=`), refusing with a CaseActionError whose message
   says why in words;
3. checks what the move needs (a rationale, dates in order...), refusing the same way;
4. writes the content, calls the transition, saves, writes a CaseTransition row and an
   audit event;
5. opens and meets the deadlines the move implies through deadlines.services;
6. queues notifications in the outbox for the relevant contacts and the referrer.

A refusal writes nothing. Nothing here logs or emails a child's or family's details.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from cspr.accounts.roles import Role
from cspr.audit.services import audit_record
from cspr.notifications.models import ContactRole
from cspr.notifications.services import (
    Recipient,
    notification_queue,
    recipient_for_user,
    recipients_for_contact_roles,
)
from deadlines import calendar
from deadlines.models import Deadline
from deadlines.services import (
    can_waive,
    deadline_meet,
    deadline_open,
    deadline_waive,
    deadlines_close_for_duplicate,
)

from .lifecycle import may_drive_case
from .lifecycle_graph import refusal_message
from .lifecycle_models import CaseTransition, SubgroupDecision
from .models import Referral
from .states import CaseStatus

S = CaseStatus
STALE = (
    "Someone else changed this case while you were working on it. "
    "Nothing you entered has been saved: check the case and try again"
)


class CaseActionError(Exception):
    """A move or record that is not allowed now; `problems` maps a form field (or None) to
    a message a person can act on."""

    def __init__(self, message: str | dict, *, field: str | None = None):
        problems = message if isinstance(message, dict) else {field: message}
        self.problems = problems
        self.message = next(iter(problems.values()))
        super().__init__(self.message)


# --- shared steps ---------------------------------------------------------------------


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def case_lock(referral) -> Referral:
    """The case, re-read and locked for the rest of the transaction."""
    try:
        return Referral.objects.select_for_update().get(pk=referral.pk)
    except Referral.DoesNotExist:
        raise CaseActionError("This case no longer exists") from None


def case_check_move(case: Referral, name: str, by) -> None:
    """Refuse, with the reason, unless transition `name` is open to `by` from the case's state."""
    method = getattr(case, name)
    if not can_proceed(method):
        raise CaseActionError(refusal_message(name, case.status))
    if not has_transition_perm(method, by):
        permission = method._django_fsm.get_transition(case.status).permission
        raise CaseActionError(getattr(permission, "refusal", "You do not have permission to do this"))


def case_check_drive(case: Referral, by, *, allowed: tuple[str, ...], what: str) -> None:
    """The same check for a record that does not move the case (dates, logs, plans)."""
    if case.status not in allowed:
        raise CaseActionError(f"You cannot {what} now: the case’s status is “{case.get_status_display()}”")
    if not may_drive_case(case, by):
        raise CaseActionError(may_drive_case.refusal)


def case_move(
    case: Referral,
    name: str,
    *,
    by,
    now,
    reason: str = "",
    details: dict | None = None,
    also_save: tuple[str, ...] = (),
    summary: str = "",
) -> CaseTransition:
    """Make transition `name` on the locked case, save it and log it (row and audit event)."""
    from_status = case.status
    getattr(case, name)()
    try:
        case.save(update_fields=["status", *also_save])
    except ConcurrentTransition:
        raise CaseActionError(STALE) from None
    row = CaseTransition.objects.create(
        referral=case,
        name=name,
        from_status=from_status,
        to_status=case.status,
        by=by if getattr(by, "is_authenticated", False) else None,
        at=now,
        reason=reason,
        details=details or {},
    )
    audit_record(
        actor=by,
        action=f"case.{name}",
        obj=case,
        summary=summary or f"Status {S(from_status).label} → {S(case.status).label}",
        now=now,
    )
    return row


def case_transition_log(*, referral, name: str, from_status: str, by, now, reason="", details=None):
    """A CaseTransition row for a move another service made (referral submission)."""
    return CaseTransition.objects.create(
        referral=referral,
        name=name,
        from_status=from_status,
        to_status=referral.status,
        by=by if getattr(by, "is_authenticated", False) else None,
        at=now,
        reason=reason,
        details=details or {},
    )


def case_link_path(case: Referral) -> str:
    return reverse("referrals:detail", args=[case.pk])


def agency_leads(agencies):
    """Active agency safeguarding leads of these agencies."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.AGENCY_LEAD.label, agency__in=list(agencies))
        .distinct()
        .order_by("pk")
    )


def referrer_recipient(case: Referral) -> Recipient | None:
    """The referrer: their account's address, or the one on the form if the account has none."""
    if not case.created_by_id:
        return None
    recipient = recipient_for_user(case.created_by)
    if recipient.email or not case.referrer_email:
        return recipient
    return Recipient(email=case.referrer_email, name=recipient.name, user=case.created_by)


def case_notify(
    case: Referral,
    *,
    event: str,
    event_label: str,
    now,
    contact_roles=(ContactRole.COORDINATOR, ContactRole.SUBGROUP_CHAIR),
    users=(),
    referrer: bool = True,
    action_label: str = "",
    due_date: date | None = None,
    key_suffix: str = "",
    template: str = "case_lifecycle",
    link_path: str = "",
):
    """Queue the event's emails: the contacts in `contact_roles`, `users`, and the referrer.

    The context carries only the reference, what happened, the status, what is needed
    and by when, and a link: never a child's or family's details. What is needed is the
    subgroup's work, so the referrer's email says what happened without it.
    """
    recipients = list(recipients_for_contact_roles(*contact_roles)) if contact_roles else []
    recipients += [recipient_for_user(user) for user in users]
    context = {
        "reference": case.reference or "",
        "event_label": event_label,
        "status_label": case.get_status_display(),
        "link_path": link_path or case_link_path(case),
    }
    told = referrer_recipient(case) if referrer else None
    rows = []
    if told is not None and (action_label or due_date):
        rows += _queue(case, event, key_suffix, [told], template, context, now)
    elif told is not None:
        recipients.append(told)
    if action_label:
        context = {**context, "action_label": action_label}
    if due_date:
        context = {**context, "due_date": long_date(due_date)}
    return rows + _queue(case, event, key_suffix, recipients, template, context, now)


def _queue(case, event, key_suffix, recipients, template, context, now):
    return notification_queue(
        event=event,
        event_key=f"{event}:{case.pk}{key_suffix}",
        case_reference=case.reference or "",
        recipients=recipients,
        template=template,
        context=context,
        now=now,
    )


def leads_notify(
    case: Referral,
    *,
    agencies,
    event: str,
    event_label: str,
    now,
    action_label: str = "",
    due_date: date | None = None,
    template: str = "case_participation",
    link_path: str = "",
    key_suffix: str = "",
):
    """Tell the safeguarding leads of these agencies, each with their agency's name.

    A lead sees only their own agency's referrals, so the link goes to the case only when
    they can open it (or to `link_path`), and to their home page otherwise.
    """
    rows = []
    for lead in agency_leads(agencies).select_related("agency"):
        if link_path:
            path = link_path
        elif Referral.objects.visible_to(lead).filter(pk=case.pk).exists():
            path = case_link_path(case)
        else:
            path = reverse("home")
        context = {
            "reference": case.reference or "",
            "event_label": event_label,
            "agency_name": lead.agency.name,
            "link_path": path,
        }
        if action_label:
            context["action_label"] = action_label
        if due_date:
            context["due_date"] = long_date(due_date)
        rows += _queue(case, event, key_suffix, [recipient_for_user(lead)], template, context, now)
    return rows


def _met_at(day: date, now):
    """A recorded day as the moment a deadline was met: now if today, else that day's end."""
    return now if day >= timezone.localdate(now) else calendar.end_of_day(day)


def deadline_met_on(case, code: str, day: date, *, by, now):
    return deadline_meet(referral=case, rule_code=code, by=by, now=now, met_at=_met_at(day, now))


def deadlines_waive_open(case, codes, *, reason: str, by, now) -> None:
    """Waive the case's open deadlines of these rules, because the route no longer needs them.

    Only the chair or coordinator may waive; a move made by an administrator leaves them
    open for the coordinator to see and waive.
    """
    if not can_waive(by):
        return
    for deadline in Deadline.objects.filter(referral=case, rule__code__in=codes, status=Deadline.Status.OPEN):
        deadline_waive(deadline=deadline, by=by, reason=reason, now=now)


def date_problems(
    problems: dict,
    field: str,
    day: date | None,
    *,
    today: date,
    what: str,
    required: bool = True,
    not_before: date | None = None,
    not_before_label: str = "",
) -> None:
    """The usual date checks: present, not in the future, not before an earlier event."""
    if day is None:
        if required:
            problems.setdefault(field, f"Enter the {what}")
        return
    if day > today:
        problems.setdefault(field, f"The {what} must be today or in the past")
    elif not_before and day < not_before:
        problems.setdefault(
            field, f"The {what} must be on or after {not_before_label} ({long_date(not_before)})"
        )


def raise_problems(problems: dict) -> None:
    if problems:
        raise CaseActionError(problems)


# --- the subgroup decision ------------------------------------------------------------

DECISION_TRANSITIONS = {
    SubgroupDecision.Outcome.RAPID_REVIEW: "decide_rapid_review",
    SubgroupDecision.Outcome.NO_REVIEW: "decide_no_review",
    SubgroupDecision.Outcome.SINGLE_AGENCY_REVIEW: "decide_other_learning_review",
    SubgroupDecision.Outcome.MULTI_AGENCY_REVIEW: "decide_other_learning_review",
}
CRITERIA_FIELDS = [name for name, _label in SubgroupDecision.CRITERIA + SubgroupDecision.CIRCUMSTANCES]


def decision_problems(decision: SubgroupDecision, organisations, *, case: Referral, today: date) -> dict:
    problems: dict = {}
    if decision.outcome not in DECISION_TRANSITIONS:
        problems["outcome"] = "Select the subgroup’s decision"
    for name, label in SubgroupDecision.CRITERIA + SubgroupDecision.CIRCUMSTANCES:
        if getattr(decision, name) is None:
            problems[name] = f"Select yes or no for ‘{label}’"
    if not (decision.rationale or "").strip():
        problems["rationale"] = "The decision needs a rationale"
    submitted_on = timezone.localdate(case.submitted_at) if case.submitted_at else None
    date_problems(
        problems,
        "decided_on",
        decision.decided_on,
        today=today,
        what="date of the decision",
        not_before=submitted_on,
        not_before_label="the date the referral was submitted",
    )
    if decision.outcome == SubgroupDecision.Outcome.RAPID_REVIEW and not list(organisations):
        problems["organisations"] = "Select the organisations taking part in the rapid review"
    for field, what in (
        ("family_informed_on", "date the decision was communicated to the family"),
        ("referrer_informed_on", "date the decision was communicated to the referrer"),
    ):
        date_problems(
            problems,
            field,
            getattr(decision, field),
            today=today,
            what=what,
            required=False,
            not_before=decision.decided_on,
            not_before_label="the date of the decision",
        )
    return problems


@transaction.atomic
def case_decide(*, referral, decision: SubgroupDecision, organisations=(), by, now=None) -> SubgroupDecision:
    """Record the subgroup decision on a submitted referral and move the case to its outcome.

    `decision` is an unsaved SubgroupDecision holding the answers. The chair only. Writes
    the decision, a transition row and an audit event; meets the "subgroup decision"
    deadline and, for a rapid review, opens "start the rapid review" from the decision
    date; tells the coordinator, the chair's and QA lead's contacts, the referrer and, for
    a rapid review, the safeguarding leads of the organisations taking part.
    """
    now = now or timezone.now()
    case = case_lock(referral)
    organisations = list(organisations)
    name = DECISION_TRANSITIONS.get(decision.outcome, "decide_rapid_review")
    case_check_move(case, name, by)
    raise_problems(decision_problems(decision, organisations, case=case, today=timezone.localdate(now)))
    decision.referral = case
    decision.rationale = decision.rationale.strip()
    decision.recorded_by = by
    decision.recorded_at = now
    decision.save()
    if decision.outcome == SubgroupDecision.Outcome.RAPID_REVIEW:
        decision.organisations.set(organisations)
    else:
        organisations = []
    case_move(
        case,
        name,
        by=by,
        now=now,
        reason=decision.rationale,
        details={
            "outcome": decision.outcome,
            "decided_on": decision.decided_on.isoformat(),
            "organisations": [org.pk for org in organisations],
            "criteria": {field: getattr(decision, field) for field in CRITERIA_FIELDS},
        },
        summary=f"Subgroup decision recorded: {decision.get_outcome_display()} "
        f"(decided {decision.decided_on.isoformat()})",
    )
    deadline_met_on(case, "subgroup_decision", decision.decided_on, by=by, now=now)
    due = None
    if decision.outcome == SubgroupDecision.Outcome.RAPID_REVIEW:
        deadline = deadline_open(
            referral=case, rule_code="rapid_review_start", anchor=decision.decided_on, by=by, now=now
        )
        due = deadline.due_date if deadline else None
    case_notify(
        case,
        event="case-decided",
        event_label=f"subgroup decision: {decision.get_outcome_display().lower()}",
        now=now,
        contact_roles=(ContactRole.COORDINATOR, ContactRole.SUBGROUP_CHAIR, ContactRole.LA_SERVICE_LEADER_QA),
        action_label="start the rapid review" if due else "",
        due_date=due,
    )
    leads_notify(
        case,
        agencies=organisations,
        event="case-decided",
        event_label="the subgroup will hold a rapid review",
        now=now,
        action_label="be ready to give your agency’s information to the rapid review, which starts",
        due_date=due,
    )
    return decision


@transaction.atomic
def decision_record_communication(
    *, referral, family_informed_on: date | None, referrer_informed_on: date | None, by, now=None
) -> SubgroupDecision:
    """Record when the decision was communicated to the family and to the referrer.

    A date already recorded stays unless a new one is given. The chair or coordinator.
    """
    now = now or timezone.now()
    case = case_lock(referral)
    decision = SubgroupDecision.objects.select_for_update().filter(referral=case).first()
    if decision is None:
        raise CaseActionError("There is no subgroup decision to communicate yet")
    case_check_drive(
        case,
        by,
        allowed=tuple(s for s in S if s not in (S.DRAFT, S.SUBMITTED, S.CLOSED)),
        what="record when the decision was communicated",
    )
    if family_informed_on is None and referrer_informed_on is None:
        raise CaseActionError("Enter at least one date", field="family_informed_on")
    problems: dict = {}
    today = timezone.localdate(now)
    for field, day, what in (
        ("family_informed_on", family_informed_on, "date the decision was communicated to the family"),
        ("referrer_informed_on", referrer_informed_on, "date the decision was communicated to the referrer"),
    ):
        date_problems(
            problems,
            field,
            day,
            today=today,
            what=what,
            required=False,
            not_before=decision.decided_on,
            not_before_label="the date of the decision",
        )
    raise_problems(problems)
    changed = []
    for field, day in (
        ("family_informed_on", family_informed_on),
        ("referrer_informed_on", referrer_informed_on),
    ):
        if day is not None and getattr(decision, field) != day:
            setattr(decision, field, day)
            changed.append(field)
    if changed:
        decision.save(update_fields=changed)
        audit_record(
            actor=by,
            action="case.decision_communicated",
            obj=case,
            summary="Recorded when the decision was communicated: " + ", ".join(changed),
            now=now,
        )
    return decision


@transaction.atomic
def case_withdraw(*, referral, reason: str, by, now=None) -> CaseTransition:
    """Withdraw a submitted referral before the decision (for example, at the referrer's request).

    Chair or coordinator. Needs a reason. Waives the case's open deadlines; tells the
    referrer, the coordinator and the chair.
    """
    now = now or timezone.now()
    case = case_lock(referral)
    case_check_move(case, "withdraw", by)
    reason = (reason or "").strip()
    if not reason:
        raise CaseActionError("Enter why the referral is being withdrawn", field="reason")
    row = case_move(case, "withdraw", by=by, now=now, reason=reason)
    open_codes = Deadline.objects.filter(referral=case, status=Deadline.Status.OPEN).values_list(
        "rule__code", flat=True
    )
    deadlines_waive_open(case, list(open_codes), reason="The referral was withdrawn", by=by, now=now)
    case_notify(case, event="case-withdrawn", event_label="the referral has been withdrawn", now=now)
    return row


@transaction.atomic
def case_link_duplicate(*, referral, duplicate_of, reason: str = "", by, now=None) -> CaseTransition:
    """Link a submitted referral to the existing case about the same incident.

    Chair or coordinator. The referral's deadlines close as "duplicate"; the other case
    carries on and both case pages show the link. Both are locked, lower id first, so
    two links made at once cannot deadlock.
    """
    now = now or timezone.now()
    if duplicate_of is None:
        raise CaseActionError(
            "Enter the reference of the case this referral duplicates", field="duplicate_of"
        )
    first, second = sorted([referral.pk, duplicate_of.pk])
    locked = {pk: case_lock(Referral(pk=pk)) for pk in dict.fromkeys([first, second])}
    case, primary = locked[referral.pk], locked[duplicate_of.pk]
    case_check_move(case, "link_as_duplicate", by)
    if primary.pk == case.pk:
        raise CaseActionError("A referral cannot be a duplicate of itself", field="duplicate_of")
    if primary.status in (S.DRAFT, S.WITHDRAWN, S.DUPLICATE):
        raise CaseActionError(
            f"{primary.reference or 'That referral'} cannot be the main case: its status is "
            f"“{primary.get_status_display()}”",
            field="duplicate_of",
        )
    case.duplicate_of = primary
    reason = (reason or "").strip()
    row = case_move(
        case,
        "link_as_duplicate",
        by=by,
        now=now,
        reason=reason,
        details={"duplicate_of": primary.pk, "duplicate_of_reference": primary.reference},
        also_save=("duplicate_of",),
        summary=f"Linked as a duplicate of {primary.reference}",
    )
    audit_record(
        actor=by,
        action="case.duplicate_linked",
        obj=primary,
        summary=f"{case.reference} linked to this case as a duplicate",
        now=now,
    )
    deadlines_close_for_duplicate(referral=case, by=by, now=now)
    case_notify(
        case,
        event="case-duplicate",
        event_label=f"linked to case {primary.reference} as a duplicate referral",
        now=now,
    )
    return row


# --- the rapid review -----------------------------------------------------------------


@transaction.atomic
def rapid_review_start(*, referral, started_on: date, organisations, by, now=None):
    """Start the rapid review the subgroup agreed to hold.

    Chair or coordinator. Writes the RapidReview; meets "start the rapid review" and
    opens "complete the rapid review" from the start date; tells the organisations'
    safeguarding leads, the coordinator, the chair and the referrer.
    """
    from rapidreview.models import RapidReview

    now = now or timezone.now()
    case = case_lock(referral)
    case_check_move(case, "start_rapid_review", by)
    organisations = list(organisations)
    decision = SubgroupDecision.objects.filter(referral=case).first()
    problems: dict = {}
    date_problems(
        problems,
        "started_on",
        started_on,
        today=timezone.localdate(now),
        what="date the rapid review started",
        not_before=decision.decided_on if decision else None,
        not_before_label="the date of the decision to hold it",
    )
    if not organisations:
        problems["organisations"] = "Select the organisations taking part in the rapid review"
    raise_problems(problems)
    review = RapidReview.objects.create(referral=case, started_on=started_on, started_by=by)
    review.organisations.set(organisations)
    case_move(
        case,
        "start_rapid_review",
        by=by,
        now=now,
        details={"started_on": started_on.isoformat(), "organisations": [o.pk for o in organisations]},
    )
    deadline_met_on(case, "rapid_review_start", started_on, by=by, now=now)
    deadline = deadline_open(
        referral=case, rule_code="rapid_review_complete", anchor=started_on, by=by, now=now
    )
    case_notify(
        case,
        event="rapid-review-started",
        event_label="the rapid review has started",
        now=now,
        action_label="gather the organisations’ contributions and complete the rapid review",
        due_date=deadline.due_date if deadline else None,
    )
    leads_notify(
        case,
        agencies=organisations,
        event="rapid-review-started",
        event_label="the rapid review has started",
        now=now,
        action_label="give your agency’s contribution to the rapid review, which must be completed",
        due_date=deadline.due_date if deadline else None,
    )
    return review


def findings_problems(*, started_on: date | None, today: date, **findings) -> dict:
    problems: dict = {}
    required = {
        "facts_gathered": "Enter the facts gathered",
        "improvements_identified": "Enter the improvements identified, or say that none were",
        "learning_shared": "Enter how learning was shared with agencies",
        "recommendation_rationale": "The recommendation needs a rationale",
    }
    for field, message in required.items():
        if not (findings.get(field) or "").strip():
            problems[field] = message
    if findings.get("immediate_action_needed") is None:
        problems["immediate_action_needed"] = (
            "Select yes if immediate action was needed for children’s safety"
        )
    elif findings["immediate_action_needed"] and not (findings.get("immediate_action_taken") or "").strip():
        problems["immediate_action_taken"] = "Enter what was done for children’s safety"
    from rapidreview.models import NextStep

    if findings.get("recommendation") not in NextStep.values:
        problems["recommendation"] = "Select the recommended next step"
    date_problems(
        problems,
        "completed_on",
        findings.get("completed_on"),
        today=today,
        what="date the rapid review was completed",
        not_before=started_on,
        not_before_label="the date it started",
    )
    return problems


@transaction.atomic
def rapid_review_complete(
    *,
    referral,
    completed_on: date,
    facts_gathered: str,
    immediate_action_needed: bool | None,
    immediate_action_taken: str,
    improvements_identified: str,
    learning_shared: str,
    recommendation: str,
    recommendation_rationale: str,
    by,
    now=None,
):
    """Record the rapid review's four aims and its recommendation, and complete it.

    Chair or coordinator. Meets "complete the rapid review", opens "send to the National
    Panel" from the completion date; tells the coordinator, chair, QA lead and referrer.
    """
    from rapidreview.models import RapidReview

    now = now or timezone.now()
    case = case_lock(referral)
    case_check_move(case, "complete_rapid_review", by)
    review = RapidReview.objects.select_for_update().get(referral=case)
    findings = {
        "facts_gathered": facts_gathered,
        "immediate_action_needed": immediate_action_needed,
        "immediate_action_taken": immediate_action_taken if immediate_action_needed else "",
        "improvements_identified": improvements_identified,
        "learning_shared": learning_shared,
        "recommendation": recommendation,
        "recommendation_rationale": recommendation_rationale,
        "completed_on": completed_on,
    }
    raise_problems(findings_problems(started_on=review.started_on, today=timezone.localdate(now), **findings))
    for field, value in findings.items():
        setattr(review, field, value.strip() if isinstance(value, str) else value)
    review.completed_by = by
    review.save()
    case_move(
        case,
        "complete_rapid_review",
        by=by,
        now=now,
        reason=review.recommendation_rationale,
        details={
            "completed_on": completed_on.isoformat(),
            "recommendation": recommendation,
            "immediate_action_needed": immediate_action_needed,
        },
    )
    deadline_met_on(case, "rapid_review_complete", completed_on, by=by, now=now)
    deadline = deadline_open(
        referral=case, rule_code="send_rapid_review_to_panel", anchor=completed_on, by=by, now=now
    )
    case_notify(
        case,
        event="rapid-review-completed",
        event_label="the rapid review has been completed",
        now=now,
        contact_roles=(ContactRole.COORDINATOR, ContactRole.SUBGROUP_CHAIR, ContactRole.LA_SERVICE_LEADER_QA),
        action_label="send the rapid review and the decision on a local or national review to the "
        "National Panel",
        due_date=deadline.due_date if deadline else None,
    )
    return review


@transaction.atomic
def case_send_to_panel(*, referral, sent_on: date, by, now=None):
    """Record that the rapid review went to the National Panel. Meets that deadline."""
    from rapidreview.models import RapidReview

    now = now or timezone.now()
    case = case_lock(referral)
    case_check_move(case, "send_to_panel", by)
    review = RapidReview.objects.select_for_update().get(referral=case)
    problems: dict = {}
    date_problems(
        problems,
        "sent_on",
        sent_on,
        today=timezone.localdate(now),
        what="date the rapid review was sent to the National Panel",
        not_before=review.completed_on,
        not_before_label="the date it was completed",
    )
    raise_problems(problems)
    review.sent_to_panel_on = sent_on
    review.sent_by = by
    review.save(update_fields=["sent_to_panel_on", "sent_by"])
    row = case_move(case, "send_to_panel", by=by, now=now, details={"sent_on": sent_on.isoformat()})
    deadline_met_on(case, "send_rapid_review_to_panel", sent_on, by=by, now=now)
    case_notify(
        case,
        event="sent-to-panel",
        event_label="the rapid review has been sent to the National Panel",
        now=now,
        contact_roles=(ContactRole.COORDINATOR, ContactRole.SUBGROUP_CHAIR, ContactRole.LA_SERVICE_LEADER_QA),
    )
    return row


# --- the next step --------------------------------------------------------------------


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _recommended(case) -> str:
    from rapidreview.models import RapidReview

    return RapidReview.objects.filter(referral=case).values_list("recommendation", flat=True).first() or ""


def _after_rapid_review(case) -> dict:
    """The next step is decided once the rapid review is complete (§9)."""
    from rapidreview.models import RapidReview

    completed_on = RapidReview.objects.filter(referral=case).values_list("completed_on", flat=True).first()
    return {"not_before": completed_on, "not_before_label": "the date the rapid review was completed"}


def _differs_problem(case, chosen: str, rationale: str, problems: dict) -> None:
    """A step other than the rapid review's recommendation needs its reason written down."""
    from rapidreview.models import NextStep

    recommended = _recommended(case)
    if recommended and recommended != chosen and not (rationale or "").strip():
        problems["rationale"] = (
            f"The rapid review recommended {_lower_first(NextStep(recommended).label)}: "
            "enter why the case takes a different route"
        )


@transaction.atomic
def lcspr_commission(
    *,
    referral,
    decided_on: date,
    reviewer_name: str,
    reviewer_organisation: str,
    commissioned_on: date,
    informed_on: date | None = None,
    rationale: str = "",
    by,
    now=None,
):
    """Commission a local child safeguarding practice review (LCSPR).

    Chair or coordinator. Writes the LocalReview; opens "inform the Panel, Ofsted and
    DfE, with the reviewer's name" and "complete the local review" (6 months) from the
    decision date, meeting the first at once if the date they were informed is given;
    tells the QA service leader (who informs them), the coordinator, chair, the LA
    directors and the referrer.
    """
    from rapidreview.models import LocalReview, NextStep, RapidReview

    now = now or timezone.now()
    case = case_lock(referral)
    case_check_move(case, "commission_local_review", by)
    today = timezone.localdate(now)
    review = RapidReview.objects.filter(referral=case).first()
    problems: dict = {}
    date_problems(
        problems,
        "decided_on",
        decided_on,
        today=today,
        what="date of the decision to hold a local review",
        not_before=review.completed_on if review else None,
        not_before_label="the date the rapid review was completed",
    )
    if not (reviewer_name or "").strip():
        problems["reviewer_name"] = "Enter the reviewer’s name"
    if not (reviewer_organisation or "").strip():
        problems["reviewer_organisation"] = "Enter the reviewer’s organisation"
    date_problems(
        problems,
        "commissioned_on",
        commissioned_on,
        today=today,
        what="date the reviewer was commissioned",
        not_before=decided_on,
        not_before_label="the date of the decision",
    )
    date_problems(
        problems,
        "informed_on",
        informed_on,
        today=today,
        what="date the Panel, Ofsted and DfE were informed",
        required=False,
        not_before=decided_on,
        not_before_label="the date of the decision",
    )
    _differs_problem(case, NextStep.LOCAL_REVIEW, rationale, problems)
    raise_problems(problems)
    local = LocalReview.objects.create(
        referral=case,
        decided_on=decided_on,
        reviewer_name=reviewer_name.strip(),
        reviewer_organisation=reviewer_organisation.strip(),
        commissioned_on=commissioned_on,
        informed_on=informed_on,
        commissioned_by=by,
    )
    case_move(
        case,
        "commission_local_review",
        by=by,
        now=now,
        reason=(rationale or "").strip(),
        details={
            "decided_on": decided_on.isoformat(),
            "commissioned_on": commissioned_on.isoformat(),
            "informed_on": informed_on.isoformat() if informed_on else None,
        },
    )
    inform = deadline_open(
        referral=case, rule_code="inform_panel_ofsted_dfe", anchor=decided_on, by=by, now=now
    )
    deadline_open(referral=case, rule_code="complete_local_review", anchor=decided_on, by=by, now=now)
    if informed_on:
        deadline_met_on(case, "inform_panel_ofsted_dfe", informed_on, by=by, now=now)
    case_notify(
        case,
        event="local-review-commissioned",
        event_label="a local child safeguarding practice review has been commissioned",
        now=now,
        contact_roles=(
            ContactRole.LA_SERVICE_LEADER_QA,
            ContactRole.COORDINATOR,
            ContactRole.SUBGROUP_CHAIR,
            ContactRole.LA_DIRECTOR,
            ContactRole.LA_ASSISTANT_DIRECTOR,
        ),
        action_label=""
        if informed_on
        else "the quality assurance service leader to inform the National Panel, Ofsted and DfE, with "
        "the reviewer’s name",
        due_date=None if informed_on or inform is None else inform.due_date,
    )
    return local


@transaction.atomic
def lcspr_record_informed(*, referral, informed_on: date, by, now=None):
    """Record the date the Panel, Ofsted and DfE were told of the local review. Meets that deadline."""
    from rapidreview.models import LocalReview

    now = now or timezone.now()
    case = case_lock(referral)
    case_check_drive(
        case,
        by,
        allowed=(S.LCSPR_COMMISSIONED, S.LCSPR_IN_PROGRESS, S.FINAL_REPORT_RECEIVED),
        what="record when the Panel, Ofsted and DfE were informed",
    )
    local = LocalReview.objects.select_for_update().get(referral=case)
    problems: dict = {}
    date_problems(
        problems,
        "informed_on",
        informed_on,
        today=timezone.localdate(now),
        what="date the Panel, Ofsted and DfE were informed",
        not_before=local.decided_on,
        not_before_label="the date of the decision to hold a local review",
    )
    raise_problems(problems)
    if local.informed_on == informed_on:
        return local
    local.informed_on = informed_on
    local.save(update_fields=["informed_on"])
    audit_record(
        actor=by,
        action="case.panel_ofsted_dfe_informed",
        obj=case,
        summary=f"National Panel, Ofsted and DfE informed of the local review on {long_date(informed_on)}",
        now=now,
    )
    deadline_met_on(case, "inform_panel_ofsted_dfe", informed_on, by=by, now=now)
    return local


@transaction.atomic
def case_escalate_to_national(*, referral, decided_on: date, rationale: str, by, now=None) -> CaseTransition:
    """Record that the National Panel leads a national review of the case (§9).

    From the next-step decision, or during a local review when new information shows a
    national review may be appropriate; the local review's open deadlines are then
    waived. Chair or coordinator; needs the rationale.
    """
    from rapidreview.models import NextStep

    now = now or timezone.now()
    case = case_lock(referral)
    case_check_move(case, "refer_to_national_review", by)
    problems: dict = {}
    date_problems(
        problems,
        "decided_on",
        decided_on,
        today=timezone.localdate(now),
        what="date of the decision",
        **_after_rapid_review(case),
    )
    if not (rationale or "").strip():
        problems["rationale"] = "Enter why the case goes to a national review"
    raise_problems(problems)
    during_local_review = case.status in (S.LCSPR_COMMISSIONED, S.LCSPR_IN_PROGRESS)
    row = case_move(
        case,
        "refer_to_national_review",
        by=by,
        now=now,
        reason=rationale.strip(),
        details={
            "decided_on": decided_on.isoformat(),
            "during_local_review": during_local_review,
            "recommended": _recommended(case) == NextStep.NATIONAL_REVIEW,
        },
    )
    if during_local_review:
        deadlines_waive_open(
            case,
            ["inform_panel_ofsted_dfe", "complete_local_review"],
            reason="The National Panel leads a national review instead of the local review",
            by=by,
            now=now,
        )
    case_notify(
        case,
        event="national-review",
        event_label="the National Panel will lead a national review",
        now=now,
        contact_roles=(ContactRole.COORDINATOR, ContactRole.SUBGROUP_CHAIR, ContactRole.LA_SERVICE_LEADER_QA),
    )
    return row


@transaction.atomic
def case_no_further_review(*, referral, decided_on: date, rationale: str, by, now=None) -> CaseTransition:
    """Record that, after the rapid review, there will be no local or national review."""
    now = now or timezone.now()
    case = case_lock(referral)
    case_check_move(case, "decide_no_further_review", by)
    problems: dict = {}
    date_problems(
        problems,
        "decided_on",
        decided_on,
        today=timezone.localdate(now),
        what="date of the decision",
        **_after_rapid_review(case),
    )
    if not (rationale or "").strip():
        problems["rationale"] = "Enter why there will be no further review"
    raise_problems(problems)
    row = case_move(
        case,
        "decide_no_further_review",
        by=by,
        now=now,
        reason=rationale.strip(),
        details={"decided_on": decided_on.isoformat()},
    )
    case_notify(case, event="no-further-review", event_label="there will be no further review", now=now)
    return row


# --- the local review -----------------------------------------------------------------


@transaction.atomic
def lcspr_start(*, referral, started_on: date, methodology: str, by, now=None):
    """Start the commissioned local review, recording its methodology."""
    from rapidreview.models import LocalReview

    now = now or timezone.now()
    case = case_lock(referral)
    case_check_move(case, "start_local_review", by)
    local = LocalReview.objects.select_for_update().get(referral=case)
    problems: dict = {}
    date_problems(
        problems,
        "started_on",
        started_on,
        today=timezone.localdate(now),
        what="date the local review started",
        not_before=local.commissioned_on,
        not_before_label="the date the reviewer was commissioned",
    )
    if not (methodology or "").strip():
        problems["methodology"] = "Enter the review’s methodology"
    raise_problems(problems)
    local.started_on = started_on
    local.methodology = methodology.strip()
    local.save(update_fields=["started_on", "methodology"])
    case_move(case, "start_local_review", by=by, now=now, details={"started_on": started_on.isoformat()})
    case_notify(case, event="local-review-started", event_label="the local review has started", now=now)
    return local


@transaction.atomic
def final_report_receive(*, referral, upload, received_on: date, token, by, now=None):
    """Store the local review's final report and move the case to "final report received".

    The file must pass rapidreview.uploads.check_upload (PDF or DOCX by content, size
    limit); it is stored under a generated name. Meets "complete the local review".
    """
    from rapidreview.services import final_report_store

    now = now or timezone.now()
    case = case_lock(referral)
    case_check_move(case, "receive_final_report", by)
    report = final_report_store(
        case=case, upload=upload, received_on=received_on, token=token, by=by, now=now
    )
    try:
        case_move(
            case,
            "receive_final_report",
            by=by,
            now=now,
            details={"received_on": received_on.isoformat(), "report": report.pk, "kind": report.kind},
        )
        deadline_met_on(case, "complete_local_review", received_on, by=by, now=now)
    except Exception:
        # The rollback forgets the row; the file on disk must go with it.
        report.file.delete(save=False)
        raise
    case_notify(
        case,
        event="final-report-received",
        event_label="the local review’s final report has been received",
        now=now,
        contact_roles=(ContactRole.COORDINATOR, ContactRole.SUBGROUP_CHAIR, ContactRole.LA_SERVICE_LEADER_QA),
        referrer=False,
        action_label="plan the publication and send the report to the National Panel and the "
        "Secretary of State",
    )
    return report


# --- publication and closing ----------------------------------------------------------


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
    from rapidreview.models import Publication

    now = now or timezone.now()
    case = case_lock(referral)
    name = "publish_report" if full_report else "publish_improvements_only"
    case_check_move(case, name, by)
    publication = Publication.objects.select_for_update().filter(referral=case).first()
    if publication is None or publication.sent_to_panel_sos_on is None:
        raise CaseActionError(
            "Record when the final report was sent to the National Panel and the Secretary of State "
            "before recording the publication"
        )
    problems: dict = {}
    date_problems(
        problems,
        "published_on",
        published_on,
        today=timezone.localdate(now),
        what="date of publication",
        not_before=publication.sent_to_panel_sos_on,
        not_before_label="the date the report was sent to the Panel and the Secretary of State",
    )
    if not (where_published or "").strip():
        problems["where_published"] = "Enter where it was published"
    if not full_report:
        if not (not_published_rationale or "").strip():
            problems["not_published_rationale"] = "Enter why the full report is not being published"
        if not (improvements_summary or "").strip():
            problems["improvements_summary"] = "Enter what was published about the improvements to be made"
    raise_problems(problems)
    publication.full_report_published = full_report
    publication.published_on = published_on
    publication.where_published = where_published.strip()
    publication.not_published_rationale = "" if full_report else not_published_rationale.strip()
    publication.improvements_summary = "" if full_report else improvements_summary.strip()
    publication.save()
    row = case_move(
        case,
        name,
        by=by,
        now=now,
        reason=publication.not_published_rationale,
        details={"published_on": published_on.isoformat(), "full_report": full_report},
    )
    from rapidreview.models import Recommendation

    agencies = {a for r in Recommendation.objects.filter(referral=case) for a in r.agencies.all()}
    published = (
        "the final report has been published" if full_report else "the improvements have been published"
    )
    case_notify(
        case,
        event="published",
        event_label=published,
        now=now,
        contact_roles=(
            ContactRole.COORDINATOR,
            ContactRole.SUBGROUP_CHAIR,
            ContactRole.LA_DIRECTOR,
            ContactRole.LA_ASSISTANT_DIRECTOR,
        ),
    )
    # Agencies with recommendations keep reporting progress after publication.
    leads_notify(
        case,
        agencies=agencies,
        event="published",
        event_label=published,
        now=now,
        action_label="record your agency’s progress on its recommendations until each is done",
        template="case_recommendation",
        link_path=reverse("rapidreview:recommendations"),
    )
    return row


def close_blockers(case: Referral) -> list[str]:
    """What still stops a case being closed, in words (side-effect free; the panel shows it)."""
    from rapidreview.models import Recommendation

    blockers = []
    if case.status in (S.NO_REVIEW, S.OTHER_LEARNING_REVIEW):
        decision = SubgroupDecision.objects.filter(referral=case).first()
        if decision and (decision.family_informed_on is None or decision.referrer_informed_on is None):
            blockers.append("Record when the decision was communicated to the family and the referrer")
    if case.status in (S.PUBLISHED, S.IMPROVEMENTS_PUBLISHED):
        open_count = Recommendation.objects.filter(referral=case).open().count()
        if open_count:
            blockers.append(
                f"{open_count} recommendation{'s are' if open_count != 1 else ' is'} not done yet: "
                "a case is closed when its action plan is complete"
            )
    return blockers


@transaction.atomic
def case_close(*, referral, reason: str = "", by, now=None) -> CaseTransition:
    """Close a case whose route has ended. Refused while anything is still owed."""
    now = now or timezone.now()
    case = case_lock(referral)
    case_check_move(case, "close", by)
    blockers = close_blockers(case)
    if blockers:
        raise CaseActionError(blockers[0])
    row = case_move(case, "close", by=by, now=now, reason=(reason or "").strip())
    case_notify(case, event="case-closed", event_label="the case has been closed", now=now)
    return row
