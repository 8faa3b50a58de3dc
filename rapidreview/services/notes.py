"""Members' notes on a case."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from cspr.audit.models import AuditAction
from cspr.audit.services import audit_record
from referrals.lifecycle import kernel
from referrals.lifecycle.states import CaseStatus

from ..models import (
    CaseNote,
)
from ..permissions import can_add_note

S = CaseStatus


def note_problems(*, text: str) -> dict:
    return {} if (text or "").strip() else {"text": "Enter your note"}


@transaction.atomic
def case_note_add(*, referral, text: str, token, by, now=None) -> CaseNote:
    """Add a subgroup member's note to the case. Chair, members and coordinator."""
    now = now or timezone.now()
    case = kernel.case_lock(referral)
    if not can_add_note(by, case):
        raise kernel.CaseActionError(can_add_note.refusal)
    # The token is looked up under the case's lock, so a second post of the same form
    # waits for the first to commit and then finds its row.
    existing = CaseNote.objects.filter(token=token).first()
    if existing is not None:
        return existing
    if case.status not in S.note_states:
        raise kernel.CaseActionError(
            f"Notes cannot be added: the case’s status is “{case.get_status_display()}”"
        )
    kernel.raise_problems(note_problems(text=text))
    note = CaseNote.objects.create(referral=case, author=by, created_at=now, text=text.strip(), token=token)
    audit_record(by, AuditAction.NOTE_ADDED, case, "Note added", now=now)
    return note
