"""Referral test data: entirely fictional children and families on example streets."""

import itertools
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from referrals.lifecycle.states import CaseStatus
from referrals.models import (
    SECTIONS,
    AbuseOrNeglect,
    ChildProtectionPlan,
    FamilyMember,
    InvolvedAgency,
    OtherProcess,
    ProcessKind,
    Referral,
    SubgroupDecision,
)

from ..factories import UserFactory

LONDON = ZoneInfo("Europe/London")

# Values a test can look for in emails and logs: none of them may ever appear there.
CHILD_NAME = "Ottilie Fernsby-Quill"
CHILD_ADDRESS = "14 Example Street, Exampleton, EX1 2MP"
FAMILY_NAME = "Barnaby Fernsby-Quill"
SUMMARY = "Ottilie was found unresponsive at home by her stepfather after a night of unexplained crying."
# The rationale of a decision built for a test, which the referrer must never see.
RATIONALE = "Two agencies did not share information; learning for the partnership."

_references = itertools.count(1)


def next_reference() -> str:
    """A reference for a case a test builds: one count for every way of building one, so
    two cases in one test never share a reference."""
    return f"CSPR-2026-{next(_references):04d}"


class ReferralFactory(DjangoModelFactory):
    """A complete draft by a practitioner. Traits: `submitted=True`, `empty=True`."""

    class Meta:
        model = Referral
        skip_postgeneration_save = True

    created_by = factory.SubFactory(UserFactory)
    agency = factory.LazyAttribute(lambda r: r.created_by.agency)
    referrer_name = factory.LazyAttribute(lambda r: r.created_by.get_full_name())
    referrer_role = "Social worker"
    referrer_email = factory.LazyAttribute(lambda r: r.created_by.email)
    referrer_telephone = "01632 960 001"
    aware_at = factory.LazyFunction(lambda: datetime.combine(date(2026, 3, 2), time(9, 30), tzinfo=LONDON))
    manager_name = "Robin Example"
    manager_role = "Team manager"
    manager_agreed_on = date(2026, 3, 2)
    disagreement_about_referral = False
    child_name = CHILD_NAME
    child_date_of_birth = date(2019, 6, 14)
    child_address = CHILD_ADDRESS
    carer = "Marguerite Fernsby-Quill (mother)"
    incident_date = date(2026, 3, 1)
    incident_location = "Family home"
    child_ethnic_origin = "white_british"
    child_faith = "None"
    child_protection_plan = ChildProtectionPlan.HAS_BEEN
    is_deceased = True
    seriously_harmed = False
    abuse_or_neglect = AbuseOrNeglect.SUSPECTED
    agencies_concern = True
    summary_of_events = SUMMARY
    sections_saved = factory.LazyFunction(lambda: [section.slug for section in SECTIONS])

    class Params:
        submitted = factory.Trait(
            status=CaseStatus.SUBMITTED,
            reference=factory.Sequence(lambda n: f"CSPR-2026-{n + 1:04d}"),
            submitted_at=factory.LazyFunction(timezone.now),
            la_aware_on=factory.LazyFunction(timezone.localdate),
        )
        empty = factory.Trait(
            aware_at=None,
            manager_name="",
            manager_role="",
            manager_agreed_on=None,
            disagreement_about_referral=None,
            child_name="",
            child_date_of_birth=None,
            child_address="",
            carer="",
            incident_date=None,
            incident_location="",
            child_ethnic_origin="",
            child_faith="",
            child_protection_plan="",
            is_deceased=None,
            seriously_harmed=None,
            abuse_or_neglect="",
            agencies_concern=None,
            summary_of_events="",
            sections_saved=[],
        )


class FamilyMemberFactory(DjangoModelFactory):
    class Meta:
        model = FamilyMember

    referral = factory.SubFactory(ReferralFactory)
    position = factory.Sequence(lambda n: n + 1)
    name = FAMILY_NAME
    relationship = "Stepfather"
    date_of_birth = date(1990, 1, 20)
    address = CHILD_ADDRESS
    ethnic_origin = "white_british"


class InvolvedAgencyFactory(DjangoModelFactory):
    class Meta:
        model = InvolvedAgency

    referral = factory.SubFactory(ReferralFactory)
    position = factory.Sequence(lambda n: n + 1)
    name = "Jordan Example"
    agency_name = "Exampleton Primary School"
    contact_details = "jordan.example@example.org"
    still_involved = True


class OtherProcessFactory(DjangoModelFactory):
    class Meta:
        model = OtherProcess

    referral = factory.SubFactory(ReferralFactory)
    position = factory.Sequence(lambda n: n + 1)
    process = ProcessKind.CORONER
    current_status = "Inquest opened and adjourned"


class SubgroupDecisionFactory(DjangoModelFactory):
    """The subgroup decision's row, written directly: no service runs. Hold a rapid review,
    with the agency of the referral taking part, communicated to the family and referrer."""

    class Meta:
        model = SubgroupDecision
        skip_postgeneration_save = True

    referral = factory.SubFactory(ReferralFactory, submitted=True)
    outcome = SubgroupDecision.Outcome.RAPID_REVIEW
    decided_on = factory.LazyFunction(timezone.localdate)
    improvements_needed = True
    recurrent_themes = True
    agencies_working_together = True
    panel_suggested_local_review = False
    single_agency_concern = False
    no_agency_involvement = False
    several_areas_involved = False
    institutional_setting = False
    rationale = RATIONALE
    family_informed_on = factory.LazyFunction(timezone.localdate)
    referrer_informed_on = factory.LazyFunction(timezone.localdate)
    recorded_by = factory.SelfAttribute("referral.created_by")
    recorded_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def organisations(self, create, extracted, **kwargs):
        if create:
            self.organisations.set(extracted if extracted is not None else [self.referral.agency])


# The subgroup's outcome that puts a case in each state after the decision.
OUTCOME_OF = {
    CaseStatus.NO_REVIEW: SubgroupDecision.Outcome.NO_REVIEW,
    CaseStatus.OTHER_LEARNING_REVIEW: SubgroupDecision.Outcome.SINGLE_AGENCY_REVIEW,
    CaseStatus.CLOSED: SubgroupDecision.Outcome.NO_REVIEW,
}
UNDECIDED_STATES = frozenset(
    {CaseStatus.DRAFT, CaseStatus.SUBMITTED, CaseStatus.WITHDRAWN, CaseStatus.DUPLICATE}
)


def write_decision(case, *, by) -> SubgroupDecision | None:
    """The decision a case in its state has had, if any."""
    if case.status in UNDECIDED_STATES:
        return None
    outcome = OUTCOME_OF.get(case.status, SubgroupDecision.Outcome.RAPID_REVIEW)
    # Organisations take part only in a rapid review.
    organisations = [case.agency] if outcome == SubgroupDecision.Outcome.RAPID_REVIEW else []
    return SubgroupDecisionFactory(
        referral=case, outcome=outcome, recorded_by=by, organisations=organisations
    )


def _submitted_at():
    return timezone.now() - timedelta(minutes=30)


class CaseFactory(ReferralFactory):
    """A submitted case put straight into `status` (default: submitted), with the rows its
    state implies written directly: no service runs, so no transition row, deadline, audit
    event or email. For tests that only read: selectors, the case panel, pages. `by` is who
    recorded the rows (default: the author). Dated as tests/referrals/helpers.py's
    submitted_case dates a case; tests/rapidreview/factories.py adds the review's rows.
    """

    class Meta:
        model = Referral
        skip_postgeneration_save = True

    status = CaseStatus.SUBMITTED
    reference = factory.LazyFunction(next_reference)
    submitted_at = factory.LazyFunction(_submitted_at)
    aware_at = factory.LazyAttribute(lambda case: case.submitted_at - timedelta(hours=2))
    incident_date = factory.LazyAttribute(
        lambda case: (case.submitted_at - timedelta(days=1)).astimezone(LONDON).date()
    )
    la_aware_on = factory.LazyAttribute(lambda case: case.submitted_at.astimezone(LONDON).date())

    @factory.post_generation
    def by(self, create, extracted, **kwargs):
        if create:
            write_decision(self, by=extracted or self.created_by)
