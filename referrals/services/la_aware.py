"""The date the local authority became aware of the incident, which starts its five
working-day clocks (procedure §5)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from cspr.audit.models import AuditAction
from cspr.audit.services import audit_record
from deadlines import calendar
from deadlines.models import DeadlineRule
from deadlines.permissions import can_record_notifications
from deadlines.services import DeadlineMove, deadlines_reanchor_from
from referrals.lifecycle.kernel import CaseActionError, case_lock
from referrals.lifecycle.states import CaseStatus
from referrals.models import Referral


@transaction.atomic
def referral_record_la_aware(*, referral, la_aware_on: date, by, now=None) -> list[DeadlineMove]:
    """Record the date the local authority became aware of the incident, when earlier
    than the submission, and move the open deadlines counted from it.

    Locks the referral and its deadlines. Deadlines already met, missed or waived keep
    their dates. Records an audit event listing what moved.
    """
    now = now or timezone.now()
    if not can_record_notifications(by):
        raise CaseActionError(can_record_notifications.refusal)
    referral = case_lock(referral)
    if referral.status in (CaseStatus.DRAFT, CaseStatus.WITHDRAWN) or referral.submitted_at is None:
        raise CaseActionError("The referral has not been submitted")
    submitted_on = calendar.london_date(referral.submitted_at)
    if la_aware_on > calendar.london_date(now):
        raise CaseActionError(
            "The date the local authority became aware must be today or in the past", field="la_aware_on"
        )
    if la_aware_on > submitted_on:
        raise CaseActionError(
            "The date the local authority became aware must be on or before the date the referral was "
            f"submitted ({calendar.format_day(submitted_on)}), which is used otherwise",
            field="la_aware_on",
        )
    if referral.incident_date and la_aware_on < referral.incident_date:
        raise CaseActionError(
            "The date the local authority became aware must be on or after the date of the incident "
            f"({calendar.format_day(referral.incident_date)})",
            field="la_aware_on",
        )
    previous = referral.la_aware_on
    if previous == la_aware_on:
        # The same date again (a repeated form post): nothing changes, nothing to record.
        return []
    Referral.objects.filter(pk=referral.pk).update(la_aware_on=la_aware_on)
    referral.la_aware_on = la_aware_on
    moves = deadlines_reanchor_from(referral=referral, anchor=DeadlineRule.Anchor.LA_AWARE, day=la_aware_on)
    moved = "; ".join(f"{m.rule_label}: {m.old_due.isoformat()} to {m.new_due.isoformat()}" for m in moves)
    audit_record(
        by,
        AuditAction.LA_AWARE_RECORDED,
        referral,
        f"LA awareness date recorded ({previous.isoformat() if previous else 'none'} to "
        f"{la_aware_on.isoformat()}). Moved: {moved or 'nothing'}",
        now=now,
    )
    return moves
