"""The local review's final report (§11): stored as uploaded, each version kept."""

from __future__ import annotations

import hashlib
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cspr.audit.models import AuditAction
from cspr.audit.services import audit_record
from referrals.lifecycle import kernel
from referrals.lifecycle.moves import Move
from referrals.lifecycle.states import CaseStatus
from referrals.services import case_tell, deadline_met_on

from ..models import (
    FinalReport,
)
from ..uploads import check_upload
from . import notices

S = CaseStatus


# The dates asked for here: what messages call them, and what they may not come before.
REPORT_RECEIVED_ON = kernel.DateAnswer(
    "received_on", "date the final report was received", after="the date the local review started"
)


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
    local = getattr(case, "local_review", None)
    problems.update(
        REPORT_RECEIVED_ON.problems(
            received_on, today=timezone.localdate(now), earliest=local.started_on if local else None
        )
    )
    kernel.raise_problems(problems)
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
            by,
            AuditAction.FINAL_REPORT_UPLOADED,
            case,
            f"Final report version {report.pk} uploaded ({checked.kind.upper()}, {checked.size} bytes)",
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
    case = kernel.case_lock(referral)
    kernel.case_check_record(
        case, by, allowed=(S.FINAL_REPORT_RECEIVED,), what="upload a revised final report"
    )
    return final_report_store(case=case, upload=upload, received_on=received_on, token=token, by=by, now=now)


@transaction.atomic
def case_receive_final_report(*, referral, upload, received_on: date, token, by, now=None):
    """Store the local review's final report and move the case to "final report received".

    The file must pass rapidreview.uploads.check_upload (PDF or DOCX by content, size
    limit); it is stored under a generated name. Meets "complete the local review".
    """

    now = now or timezone.now()
    case = kernel.case_lock(referral)
    kernel.case_check_move(case, Move.RECEIVE_FINAL_REPORT, by)
    report = final_report_store(
        case=case, upload=upload, received_on=received_on, token=token, by=by, now=now
    )
    try:
        kernel.case_move(
            case,
            Move.RECEIVE_FINAL_REPORT,
            by=by,
            now=now,
            details={"received_on": received_on.isoformat(), "report": report.pk, "kind": report.kind},
        )
        deadline_met_on(case, "complete_local_review", received_on, by=by, now=now)
    except Exception:
        # The rollback forgets the row; the file on disk must go with it.
        report.file.delete(save=False)
        raise
    case_tell(case, notices.FINAL_REPORT_RECEIVED, now=now)
    return report
