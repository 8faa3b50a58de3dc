"""Drive a case through its first moves with valid answers, one referrals service call per
step: the subgroup decision, withdrawing, linking a duplicate.

`STEPS` maps each of these transitions to a function making it through its service;
`ROUTES` says which steps take a freshly submitted case to each state they reach.
tests/rapidreview/helpers.py carries them on through the rest of the lifecycle.
"""

from datetime import datetime, timedelta

from django.utils import timezone

from cspr.notifications.models import Notification
from deadlines.models import Deadline
from deadlines.services import deadlines_open_for_referral
from referrals import services as referral_services
from referrals.lifecycle.states import CaseStatus
from referrals.models import SubgroupDecision

from .factories import LONDON, ReferralFactory, next_reference

S = CaseStatus


def submitted_case(*, author, submitted_at: datetime | None = None, open_deadlines: bool = True, **fields):
    """A referral as referral_submit leaves it, with the deadlines its submission opens."""
    submitted_at = submitted_at or timezone.now() - timedelta(minutes=30)
    referral = ReferralFactory(
        submitted=True,
        created_by=author,
        agency=fields.pop("agency", author.agency),
        reference=next_reference(),
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
}

ROUTES = {
    S.SUBMITTED: [],
    S.WITHDRAWN: ["withdraw"],
    S.DUPLICATE: ["link_as_duplicate"],
    S.RAPID_REVIEW_AGREED: ["decide_rapid_review"],
    S.NO_REVIEW: ["decide_no_review"],
    S.OTHER_LEARNING_REVIEW: ["decide_other_learning_review"],
}


def walk(case, state, by, *, steps=STEPS, routes=ROUTES):
    """Take a freshly submitted case to `state` through the services; returns it re-read."""
    for step in routes[state]:
        steps[step](case, by)
        case.refresh_from_db()
    assert case.status == state
    return case


def case_in(state, *, author, by, steps=STEPS, routes=ROUTES):
    """A new case in `state` (a draft for DRAFT)."""
    if state == S.DRAFT:
        return ReferralFactory(created_by=author)
    return walk(submitted_case(author=author), state, by, steps=steps, routes=routes)


def deadline(case, code):
    return Deadline.objects.filter(referral=case, rule__code=code).first()


def recipients(case, event):
    return sorted(
        Notification.objects.filter(case_reference=case.reference, event=event).values_list(
            "recipient_email", flat=True
        )
    )
