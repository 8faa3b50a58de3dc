"""Referral test data: entirely fictional children and families on example streets."""

from datetime import date, datetime, time
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
)

from ..factories import UserFactory

LONDON = ZoneInfo("Europe/London")

# Values a test can look for in emails and logs: none of them may ever appear there.
CHILD_NAME = "Ottilie Fernsby-Quill"
CHILD_ADDRESS = "14 Example Street, Exampleton, EX1 2MP"
FAMILY_NAME = "Barnaby Fernsby-Quill"
SUMMARY = "Ottilie was found unresponsive at home by her stepfather after a night of unexplained crying."


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
