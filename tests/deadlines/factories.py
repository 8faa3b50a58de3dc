"""Submitted cases with their deadlines, built directly (not through the referral form), and
readers of what the deadline services wrote."""

import importlib
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from factory.django import DjangoModelFactory

from cspr.audit.models import AuditEvent
from cspr.notifications.models import ContactRole
from deadlines.models import ClosureDay, Deadline
from deadlines.services import deadlines_open_for_referral
from referrals.lifecycle.states import CaseStatus

from ..factories import ContactFactory
from ..referrals.factories import ReferralFactory, next_reference

LONDON = ZoneInfo("Europe/London")


def ensure_rulebook() -> None:
    """Put the seeded rulebook back: a transactional test's flush empties every table,
    including the rows the data migration wrote."""
    from django.apps import apps

    importlib.import_module("deadlines.migrations.0002_seed_rulebook").seed(apps, None)


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def submitted_case(
    *,
    author,
    submitted_at: datetime,
    aware_at: datetime | None = None,
    incident_date: date | None = None,
    la_aware_on: date | None = None,
    looked_after_death: bool = False,
    status: str = CaseStatus.SUBMITTED,
    open_deadlines: bool = True,
    **fields,
):
    """A referral as referral_submit leaves it, with the deadlines its submission opens."""
    aware_at = aware_at or submitted_at - timedelta(hours=2)
    referral = ReferralFactory(
        submitted=True,
        created_by=author,
        agency=fields.pop("agency", author.agency),
        reference=next_reference(),
        submitted_at=submitted_at,
        aware_at=aware_at,
        incident_date=incident_date or aware_at.astimezone(LONDON).date(),
        la_aware_on=la_aware_on or submitted_at.astimezone(LONDON).date(),
        looked_after_death=looked_after_death,
        **fields,
    )
    if status != CaseStatus.SUBMITTED:
        type(referral).objects.filter(pk=referral.pk).update(status=status)
        referral.refresh_from_db()
    if open_deadlines:
        deadlines_open_for_referral(referral=referral, by=author, now=submitted_at)
    return referral


# The case most deadline service tests share is submitted at 11:00 on Mon 2 Mar 2026.
MON_2_MAR = at(date(2026, 3, 2), 11)


def looked_after_case(*, author):
    """Submitted on Mon 2 Mar 2026 about the death of a looked-after child on Wed 25 Feb,
    so every statutory deadline opens, the Secretary of State's and Ofsted's too."""
    return submitted_case(
        author=author, submitted_at=MON_2_MAR, incident_date=date(2026, 2, 25), looked_after_death=True
    )


def deadline(case, code) -> Deadline:
    return Deadline.objects.select_related("rule").get(referral=case, rule__code=code)


def audit_rows(**filters):
    return list(AuditEvent.objects.filter(**filters).values_list("action", "actor_username", "summary"))


class ClosureDayFactory(DjangoModelFactory):
    class Meta:
        model = ClosureDay

    day = date(2026, 12, 24)
    reason = "office closed"


def contacts_for_every_role():
    """One active contact per team the rulebook names, each with a recognisable address."""
    return {
        role: ContactFactory(role=role, email=f"{role}@example.org", name=f"{role} contact")
        for role in ContactRole.values
    }
