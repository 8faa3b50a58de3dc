"""Drive a case through the lifecycle with valid answers, one service call per step.

`STEPS` maps each transition to a function making it through its service; `ROUTES` says
which steps take a freshly submitted case to each state. Tests use them to reach any
state the way the application does.
"""

import io
import uuid
import zipfile
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from deadlines.services import deadlines_open_for_referral
from rapidreview import services as review_services
from rapidreview.models import NextStep
from referrals import services as referral_services
from referrals.lifecycle.states import CaseStatus
from referrals.models import SubgroupDecision

from ..referrals.factories import ReferralFactory

S = CaseStatus
LONDON = ZoneInfo("Europe/London")
_numbers = iter(range(1, 10**6))


def submitted_case(*, author, submitted_at: datetime | None = None, open_deadlines: bool = True, **fields):
    """A referral as referral_submit leaves it, with the deadlines its submission opens."""
    submitted_at = submitted_at or timezone.now() - timedelta(minutes=30)
    referral = ReferralFactory(
        submitted=True,
        created_by=author,
        agency=fields.pop("agency", author.agency),
        reference=f"CSPR-2026-{next(_numbers):04d}",
        submitted_at=submitted_at,
        aware_at=submitted_at - timedelta(hours=2),
        incident_date=(submitted_at - timedelta(days=1)).astimezone(LONDON).date(),
        la_aware_on=submitted_at.astimezone(LONDON).date(),
        **fields,
    )
    if open_deadlines:
        deadlines_open_for_referral(referral=referral, by=author, now=submitted_at)
    return referral


def today():
    return timezone.localdate()


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


def decision(outcome=SubgroupDecision.Outcome.RAPID_REVIEW, **fields) -> SubgroupDecision:
    values = {
        "outcome": outcome,
        "decided_on": today(),
        "rationale": "Two agencies did not share information; learning for the partnership.",
        "family_informed_on": today(),
        "referrer_informed_on": today(),
        **{name: True for name, _label in SubgroupDecision.CRITERIA[:3]},
        "panel_suggested_local_review": False,
        **{name: False for name, _label in SubgroupDecision.CIRCUMSTANCES},
    }
    values.update(fields)
    return SubgroupDecision(**values)


def decide(case, by, outcome=SubgroupDecision.Outcome.RAPID_REVIEW, organisations=None):
    orgs = organisations if organisations is not None else [case.agency]
    return referral_services.case_decide(referral=case, decision=decision(outcome), organisations=orgs, by=by)


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


def _duplicate(case, by):
    main = submitted_case(author=case.created_by)
    return referral_services.case_link_as_duplicate(
        referral=case, duplicate_of=main, reason="Same incident", by=by
    )


STEPS = {
    "decide_rapid_review": lambda case, by: decide(case, by),
    "decide_no_review": lambda case, by: decide(case, by, SubgroupDecision.Outcome.NO_REVIEW),
    "decide_other_learning_review": lambda case, by: decide(
        case, by, SubgroupDecision.Outcome.SINGLE_AGENCY_REVIEW
    ),
    "withdraw": lambda case, by: referral_services.case_withdraw(
        referral=case, reason="The agency asked", by=by
    ),
    "link_as_duplicate": _duplicate,
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
    S.SUBMITTED: [],
    S.WITHDRAWN: ["withdraw"],
    S.DUPLICATE: ["link_as_duplicate"],
    S.RAPID_REVIEW_AGREED: _RAPID[:1],
    S.NO_REVIEW: ["decide_no_review"],
    S.OTHER_LEARNING_REVIEW: ["decide_other_learning_review"],
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
    for step in ROUTES[state]:
        (PREPARE.get(step) or STEPS[step])(case, by)
        case.refresh_from_db()
    assert case.status == state
    return case


def case_in(state, *, author, by):
    """A new case in `state` (a draft for DRAFT)."""
    if state == S.DRAFT:
        return ReferralFactory(created_by=author)
    return walk(submitted_case(author=author), state, by)
