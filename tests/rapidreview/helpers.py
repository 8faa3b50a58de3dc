"""Drive a case through the lifecycle with valid answers, one service call per step.

`STEPS` maps each transition to a function making it through its service; `ROUTES` says
which steps take a freshly submitted case to each state. Tests use them to reach any
state the way the application does. The first moves (the decision, withdrawing, linking
a duplicate) come from tests/referrals/helpers.py.
"""

import io
import uuid
import zipfile
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile

from rapidreview import services as review_services
from rapidreview.models import NextStep
from referrals.lifecycle.states import CaseStatus

from ..referrals import helpers as referral_helpers
from ..referrals.helpers import decide, decision, submitted_case, today

__all__ = [
    "PREPARE",
    "ROUTES",
    "STEPS",
    "case_in",
    "complete_findings",
    "decide",
    "decision",
    "docx_bytes",
    "pdf_bytes",
    "pdf_upload",
    "plan_and_send",
    "submitted_case",
    "today",
    "walk",
]

S = CaseStatus


def pdf_bytes() -> bytes:
    return b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx_bytes(*, extra: dict | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def pdf_upload(name: str = "final-report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def complete_findings(**fields):
    values = {
        "completed_on": today(),
        "facts_gathered": "Chronology agreed by the agencies taking part.",
        "immediate_action_needed": True,
        "immediate_action_taken": "Safety plan for the siblings agreed with children's social care.",
        "improvements_identified": "Information sharing between health and education.",
        "learning_shared": "Briefing sent to the agencies' safeguarding leads.",
        "recommendation": NextStep.LOCAL_REVIEW,
        "recommendation_rationale": "Multi-agency learning about information sharing.",
    }
    values.update(fields)
    return values


def plan_and_send(case, by):
    review_services.publication_plan(referral=case, planned_on=today() + timedelta(days=30), by=by)
    review_services.final_report_send(referral=case, sent_on=today(), by=by)


STEPS = {
    **referral_helpers.STEPS,
    "start_rapid_review": lambda case, by: review_services.case_start_rapid_review(
        referral=case, started_on=today(), organisations=[case.agency], by=by
    ),
    "complete_rapid_review": lambda case, by: review_services.case_complete_rapid_review(
        referral=case, by=by, **complete_findings()
    ),
    "send_to_panel": lambda case, by: review_services.case_send_to_panel(
        referral=case, sent_on=today(), by=by
    ),
    "commission_local_review": lambda case, by: review_services.case_commission_local_review(
        referral=case,
        decided_on=today(),
        reviewer_name="Sam Reviewer",
        reviewer_organisation="Independent Reviews Ltd",
        commissioned_on=today(),
        by=by,
    ),
    "refer_to_national_review": lambda case, by: review_services.case_refer_to_national_review(
        referral=case, decided_on=today(), rationale="Issues of national importance", by=by
    ),
    "decide_no_further_review": lambda case, by: review_services.case_decide_no_further_review(
        referral=case, decided_on=today(), rationale="Learning already taken forward", by=by
    ),
    "start_local_review": lambda case, by: review_services.case_start_local_review(
        referral=case, started_on=today(), methodology="Systems methodology with practitioner events", by=by
    ),
    "receive_final_report": lambda case, by: review_services.case_receive_final_report(
        referral=case, upload=pdf_upload(), received_on=today(), token=uuid.uuid4(), by=by
    ),
    "publish_report": lambda case, by: review_services.case_publish(
        referral=case,
        full_report=True,
        published_on=today(),
        where_published="https://example.org/cspr",
        by=by,
    ),
    "publish_improvements_only": lambda case, by: review_services.case_publish(
        referral=case,
        full_report=False,
        published_on=today(),
        where_published="https://example.org/cspr",
        not_published_rationale="Publishing would identify a surviving sibling.",
        improvements_summary="Summary of the improvements for agencies.",
        by=by,
    ),
    "close": lambda case, by: review_services.case_close(referral=case, reason="Nothing more owed", by=by),
}
# Steps that record something without moving the case, needed on some routes.
PREPARE = {"plan_and_send": plan_and_send}

_RAPID = ["decide_rapid_review", "start_rapid_review", "complete_rapid_review", "send_to_panel"]
_LOCAL = [*_RAPID, "commission_local_review", "start_local_review", "receive_final_report", "plan_and_send"]
ROUTES = {
    **referral_helpers.ROUTES,
    S.RAPID_REVIEW_IN_PROGRESS: _RAPID[:2],
    S.RAPID_REVIEW_COMPLETE: _RAPID[:3],
    S.SENT_TO_PANEL: _RAPID,
    S.LCSPR_COMMISSIONED: _LOCAL[:5],
    S.NATIONAL_REVIEW: [*_RAPID, "refer_to_national_review"],
    S.NO_FURTHER_REVIEW: [*_RAPID, "decide_no_further_review"],
    S.LCSPR_IN_PROGRESS: _LOCAL[:6],
    S.FINAL_REPORT_RECEIVED: _LOCAL,
    S.PUBLISHED: [*_LOCAL, "publish_report"],
    S.IMPROVEMENTS_PUBLISHED: [*_LOCAL, "publish_improvements_only"],
    S.CLOSED: ["decide_no_review", "close"],
}


def walk(case, state, by):
    """Take a freshly submitted case to `state` through the services; returns it re-read."""
    return referral_helpers.walk(case, state, by, steps={**STEPS, **PREPARE}, routes=ROUTES)


def case_in(state, *, author, by):
    """A new case in `state` (a draft for DRAFT)."""
    return referral_helpers.case_in(state, author=author, by=by, steps={**STEPS, **PREPARE}, routes=ROUTES)
