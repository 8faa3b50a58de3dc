"""Every change to a referral: start a draft, save a section, submit, withdraw a draft.

Each function locks the referral row, checks the person may do this now, writes, records
an audit event and, on submission, opens the deadlines and queues the notifications — all
in one transaction, so a double click or a resubmitted form changes nothing twice.
"""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cspr.audit.models import AuditAction
from cspr.audit.services import audit_record
from cspr.notifications.models import ContactRole
from cspr.notifications.services import notification_queue, recipients_for_contact_roles
from deadlines.services import deadlines_open_for_referral
from referrals.lifecycle.kernel import case_transition_log
from referrals.lifecycle.moves import Move
from referrals.lifecycle.states import CaseStatus
from referrals.models import (
    SECTION_FIELDS,
    SECTION_TITLES,
    FamilyMember,
    InvolvedAgency,
    OtherProcess,
    Problem,
    ReferenceCounter,
    Referral,
)
from referrals.permissions import can_edit_draft, can_start_referral, can_submit, can_withdraw_draft

from .notify import referrer_recipient

# Who the procedure says is told of a referral (§8.3–8.4).
SUBMISSION_CONTACT_ROLES = (
    ContactRole.LA_ASSISTANT_DIRECTOR,
    ContactRole.LA_DIRECTOR,
    ContactRole.POLICE_REVIEW_TEAM,
    ContactRole.HEALTH_SAFEGUARDING,
    ContactRole.COORDINATOR,
    ContactRole.LA_SERVICE_LEADER_QA,
)

ROW_MODELS = {"family": FamilyMember, "agency": InvolvedAgency, "process": OtherProcess}
SECTION_ROWS = {"family": ("family",), "others": ("agency", "process")}
ROW_FIELDS = {
    "family": ("name", "relationship", "date_of_birth", "address", "ethnic_origin", "ethnic_origin_other"),
    "agency": ("name", "agency_name", "contact_details", "still_involved"),
    "process": ("process", "process_other", "current_status"),
}

READ_ONLY_MESSAGE = (
    "This referral has been submitted, so it can no longer be changed. "
    "To correct it, contact the partnership coordinator."
)


class ReferralError(Exception):
    """A referral action that cannot be done now. `messages` say why, for a person.

    `problems` (from a submission) say where each thing is to be put right:
    section, field and, for repeating rows, which row.
    """

    def __init__(self, *messages: str, problems: list[Problem] | tuple = ()):
        self.problems = list(problems)
        self.messages = list(messages) or [problem.message for problem in self.problems]
        super().__init__("; ".join(self.messages))


class ReferralAlreadySubmitted(ReferralError):
    """The referral was submitted before (a double click or a resubmitted form)."""


def _lock(referral: Referral) -> Referral:
    return Referral.objects.select_for_update().get(pk=referral.pk)


def _check_author_draft(referral: Referral, by) -> None:
    if not can_edit_draft(by, referral):
        raise ReferralError(can_edit_draft.refusal)
    if referral.status == CaseStatus.WITHDRAWN and referral.submitted_at is None:
        raise ReferralError("This draft was withdrawn, so it can no longer be changed.")
    if referral.status != CaseStatus.DRAFT:
        raise ReferralAlreadySubmitted(READ_ONLY_MESSAGE)


@transaction.atomic
def referral_create(*, by, start_token: uuid.UUID | None = None, now=None, request=None) -> Referral:
    """Start a draft referral for a practitioner, with the referrer's details from their account.

    The start page's one-time `start_token` makes this idempotent: the same token returns
    the draft it already made for this person. Records `referral.created`.
    """
    if not can_start_referral(by):
        raise ReferralError(can_start_referral.refusal)
    if by.agency_id is None:
        raise ReferralError("Your account has no agency. Ask your administrator to add it, then start again.")
    if start_token is not None:
        existing = Referral.objects.filter(start_token=start_token, created_by=by).first()
        if existing is not None:
            return existing
        if Referral.objects.filter(start_token=start_token).exists():
            start_token = None
    now = now or timezone.now()
    referral = Referral(
        created_by=by,
        agency_id=by.agency_id,
        created_at=now,
        updated_at=now,
        start_token=start_token,
        referrer_name=by.get_full_name(),
        referrer_role=by.job_title,
        referrer_email=by.email,
        referrer_telephone=by.telephone,
    )
    try:
        # A savepoint, so a concurrent double click with the same token can fall back to
        # the draft the other request made.
        with transaction.atomic():
            referral.save()
    except IntegrityError:
        return Referral.objects.get(start_token=start_token, created_by=by)
    audit_record(by, AuditAction.REFERRAL_CREATED, referral, "Draft started", request=request, now=now)
    return referral


@transaction.atomic
def referral_save_section(
    *,
    referral: Referral,
    section: str,
    values: dict,
    rows: dict[str, list[dict]] | None = None,
    by,
    now=None,
    request=None,
) -> Referral:
    """Save one section of the author's draft: its fields and, for repeating sections,
    the full list of rows (replacing the saved ones, in the order given).

    Locks the referral; refuses unless `by` is the author and it is still a draft.
    Records `referral.edited` with the names of what changed, never the values.
    """
    if section not in SECTION_FIELDS:
        raise ValueError(f"Unknown section {section!r}")
    unknown = set(values) - set(SECTION_FIELDS[section])
    if unknown:
        raise ValueError(f"Fields not in section {section!r}: {sorted(unknown)}")
    now = now or timezone.now()
    locked = _lock(referral)
    _check_author_draft(locked, by)

    changed = []
    for field, value in values.items():
        attname = "agency_id" if field == "agency" else field
        new = value.pk if field == "agency" else value
        if getattr(locked, attname) != new:
            setattr(locked, attname, new)
            changed.append(field)

    row_notes = []
    for kind in SECTION_ROWS.get(section, ()):
        new_rows = (rows or {}).get(kind, [])
        model = ROW_MODELS[kind]
        manager = model.objects.filter(referral=locked)
        old_rows = list(manager.order_by("position", "id").values(*ROW_FIELDS[kind]))
        defaults = {field: model._meta.get_field(field).get_default() for field in ROW_FIELDS[kind]}
        cleaned = [{**defaults, **{f: v for f, v in row.items() if f in defaults}} for row in new_rows]
        if old_rows != cleaned:
            manager.delete()
            model.objects.bulk_create(
                model(referral=locked, position=position, **row) for position, row in enumerate(cleaned, 1)
            )
            row_notes.append(f"{model._meta.verbose_name_plural}: {len(old_rows)} → {len(cleaned)} rows")

    if section not in locked.sections_saved:
        locked.sections_saved = [*locked.sections_saved, section]
    locked.updated_at = now
    locked.save()

    if changed or row_notes:
        parts = [f"changed {', '.join(changed)}"] if changed else []
        summary = f"{SECTION_TITLES[section]}: {'; '.join(parts + row_notes)}"
        audit_record(by, AuditAction.REFERRAL_EDITED, locked, summary, request=request, now=now)
    return locked


def _next_reference(year: int) -> str:
    # The year's counter row is locked until this transaction ends, so concurrent
    # submissions queue here and each gets the next number.
    counter, _ = ReferenceCounter.objects.select_for_update().get_or_create(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"CSPR-{year}-{counter.last_number:04d}"


@transaction.atomic
def referral_submit(*, referral: Referral, by, now=None, request=None) -> Referral:
    """Submit the author's complete draft to the partnership.

    Locks the referral and checks: `by` is its author and a practitioner, it is still a
    draft, and nothing the form needs is missing or inconsistent (else ReferralError with
    every problem). Then gives it the year's next reference, records when it was submitted
    and that the local authority is aware from today, moves it to Submitted, records
    `referral.submitted`, opens its deadlines, and queues one email to each active contact
    the procedure names (§8.3–8.4) and an acknowledgement to the referrer (at
    `Referral.acknowledgement_email`). The emails
    carry the reference, the agency and a link, never a child's or family's details.

    A second call for the same referral raises ReferralAlreadySubmitted and changes and
    sends nothing.
    """
    now = now or timezone.now()
    locked = _lock(referral)
    _check_author_draft(locked, by)
    if not can_submit(by, locked):
        raise ReferralError(can_submit.refusal)
    problems = locked.submission_problems(now=now)
    if problems:
        raise ReferralError(problems=problems)

    today = timezone.localdate(now)
    locked.reference = _next_reference(today.year)
    locked.submitted_at = now
    locked.la_aware_on = today
    locked.updated_at = now
    locked.submit()
    locked.save()
    # Submission starts the case's transition log, like every later move.
    case_transition_log(referral=locked, move=Move.SUBMIT, from_status=CaseStatus.DRAFT, by=by, now=now)
    audit_record(
        by,
        AuditAction.REFERRAL_SUBMITTED,
        locked,
        f"Submitted as {locked.reference}",
        request=request,
        now=now,
    )
    deadlines_open_for_referral(referral=locked, by=by, now=now)

    context = {
        "reference": locked.reference,
        "link_path": reverse("referrals:detail", args=[locked.pk]),
        "agency_name": locked.agency.name,
    }
    notification_queue(
        event="referral_submitted",
        event_key=f"referral-submitted:{locked.pk}",
        case_reference=locked.reference,
        recipients=recipients_for_contact_roles(*SUBMISSION_CONTACT_ROLES),
        template="referral_submitted",
        context={**context, "event_label": "New referral for a Child Safeguarding Practice Review"},
        now=now,
    )
    notification_queue(
        event="referral_acknowledgement",
        event_key=f"referral-ack:{locked.pk}",
        case_reference=locked.reference,
        recipients=[referrer_recipient(locked)],
        template="referral_acknowledgement",
        context={**context, "event_label": "Your referral has been received"},
        now=now,
    )
    return locked


@transaction.atomic
def referral_withdraw_draft(*, referral: Referral, by, now=None, request=None) -> Referral:
    """The author abandons a draft: it is kept (for the audit trail) but never sent.

    Locks the referral; refuses unless `by` is its author and it is still a draft.
    Records `referral.draft_withdrawn`.
    """
    now = now or timezone.now()
    locked = _lock(referral)
    _check_author_draft(locked, by)
    if not can_withdraw_draft(by, locked):
        raise ReferralError(can_withdraw_draft.refusal)
    locked.withdraw_draft()
    locked.updated_at = now
    locked.save()
    case_transition_log(
        referral=locked, move=Move.WITHDRAW_DRAFT, from_status=CaseStatus.DRAFT, by=by, now=now
    )
    audit_record(
        by, AuditAction.REFERRAL_DRAFT_WITHDRAWN, locked, "Draft withdrawn", request=request, now=now
    )
    return locked
