"""Demo referrals for the demo users of `manage.py seed_demo`. Safe to run again.

Every child, family member and address here is invented: names are made up, streets are
example streets, emails are @example.org. Referrals are made through the same services
as in the app, and submitted on recent working days, so their references, audit trail,
deadlines and notifications are what a real submission would produce.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from cspr.accounts.models import User
from deadlines.calendar import is_working_day

from .models import Referral
from .services import referral_create, referral_save_section, referral_submit

LONDON = ZoneInfo("Europe/London")
# The demo referrals are recognised by their start tokens, so a second run adds nothing.
DEMO_NAMESPACE = uuid.UUID("6f1f0d2e-9f55-4d0b-9a8e-2b1c3d4e5f60")


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def _working_days_ago(today: date, count: int) -> date:
    day = today
    while count:
        day -= timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def _referrer(user) -> dict:
    return {
        "referrer_name": user.get_full_name(),
        "referrer_role": user.job_title,
        "agency": user.agency,
        "referrer_email": user.email,
        "referrer_telephone": "01632 960 001",
    }


# Each demo referral: who makes it, when it is submitted (working days ago; None keeps it
# a draft), and its answers. Incidents are a day before the practitioner became aware.
DEMO = [
    {
        "key": "council-looked-after",
        "username": "practitioner",
        "submitted": 9,
        "manager": ("Robin Example", "Team manager"),
        "child": {
            "child_name": "Ellis Demo",
            "child_date_of_birth": date(2011, 4, 12),
            "child_address": "Flat 2, 7 Example Street, Exampleton, EX1 1AA",
            "carer": "Foster carers: Sam and Jo Sample",
            "incident_location": "Foster home",
            "child_ethnic_origin": "white_british",
            "child_faith": "None",
            "child_disability": "",
            "child_protection_plan": "has_been",
        },
        "criteria": {
            "is_deceased": True,
            "seriously_harmed": False,
            "harm_description": "",
            "abuse_or_neglect": "suspected",
            "agencies_concern": True,
            "looked_after_death": True,
            "custody_death": False,
            "detained_death": False,
        },
        "summary": (
            "Ellis, a looked-after child, was found unresponsive at the foster home and later died in "
            "hospital. There had been several missing-from-care episodes in the previous month and "
            "concerns about contact with unknown adults. The death of a looked-after child must always "
            "be referred."
        ),
        "family": [
            {"name": "Casey Demo", "relationship": "Birth mother", "address": "12 Sample Road, Exampleton"},
            {"name": "Sam Sample", "relationship": "Foster carer", "address": "Foster home"},
        ],
        "agencies": [
            {
                "name": "Alex Placeholder",
                "agency_name": "Exampleton Academy",
                "contact_details": "designated.lead@example.org",
                "still_involved": False,
            }
        ],
        "processes": [{"process": "coroner", "current_status": "Inquest opened and adjourned"}],
    },
    {
        "key": "police-serious-harm",
        "username": "police_practitioner",
        "submitted": 6,
        "manager": ("Detective Sergeant Lee Example", "Detective sergeant"),
        "child": {
            "child_name": "Rowan Testcase",
            "child_date_of_birth": date(2023, 9, 3),
            "child_address": "3 Test Lane, Sampleford, EX2 2BB",
            "carer": "Mother, Morgan Testcase",
            "incident_location": "Family home",
            "child_ethnic_origin": "mixed_black_caribbean_white",
            "child_faith": "Christian",
            "child_disability": "",
            "child_protection_plan": "no",
        },
        "criteria": {
            "is_deceased": False,
            "seriously_harmed": True,
            "harm_description": "Head injury and fractures of different ages found at hospital.",
            "abuse_or_neglect": "suspected",
            "agencies_concern": True,
            "looked_after_death": False,
            "custody_death": False,
            "detained_death": False,
        },
        "summary": (
            "Rowan was brought to hospital with a head injury. A skeletal survey found older fractures. "
            "Health visiting contacts had been missed and a neighbour had called police twice about noise."
        ),
        "family": [
            {"name": "Morgan Testcase", "relationship": "Mother", "address": "3 Test Lane, Sampleford"},
            {"name": "Jamie Placeholder", "relationship": "Mother’s partner", "address": "Not known"},
        ],
        "agencies": [
            {
                "name": "Health visiting team",
                "agency_name": "Community health services",
                "contact_details": "01632 960 123",
                "still_involved": True,
            }
        ],
        "processes": [{"process": "criminal", "current_status": "Police investigation under way"}],
    },
    {
        "key": "health-sudden-death",
        "username": "health_lead",
        "submitted": 3,
        "manager": ("Avery Example", "Head of safeguarding"),
        "child": {
            "child_name": "Noor Sample",
            "child_date_of_birth": date(2025, 11, 20),
            "child_address": "21 Example Street, Exampleton, EX1 3CC",
            "carer": "Parents",
            "incident_location": "Family home",
            "child_ethnic_origin": "asian_pakistani",
            "child_faith": "Muslim",
            "child_disability": "",
            "child_protection_plan": "not_known",
        },
        "criteria": {
            "is_deceased": True,
            "seriously_harmed": False,
            "harm_description": "",
            "abuse_or_neglect": "suspected",
            "agencies_concern": False,
            "looked_after_death": False,
            "custody_death": False,
            "detained_death": False,
        },
        "summary": (
            "Sudden unexpected death of an infant. Unsafe sleeping arrangements and parental substance "
            "misuse were reported at the scene."
        ),
        "family": [{"name": "Parent One Sample", "relationship": "Father", "address": "21 Example Street"}],
        "agencies": [],
        "processes": [{"process": "cdop", "current_status": "Rapid response meeting held"}],
    },
    {
        "key": "council-custody",
        "username": "practitioner",
        "submitted": 1,
        "manager": ("Robin Example", "Team manager"),
        "child": {
            "child_name": "Taylor Fictional",
            "child_date_of_birth": date(2009, 1, 30),
            "child_address": "Secure children’s home (placement address held by the service)",
            "carer": "Secure children’s home staff",
            "incident_location": "Secure children’s home",
            "child_ethnic_origin": "black_african",
            "child_faith": "",
            "child_disability": "Attention deficit hyperactivity disorder",
            "child_protection_plan": "no",
        },
        "criteria": {
            "is_deceased": True,
            "seriously_harmed": False,
            "harm_description": "",
            "abuse_or_neglect": "neither",
            "agencies_concern": True,
            "looked_after_death": False,
            "custody_death": True,
            "detained_death": False,
        },
        "summary": (
            "Taylor died while remanded in custody. The death of a child in custody must always be referred."
        ),
        "family": [
            {"name": "Robin Fictional", "relationship": "Grandparent", "address": "9 Sample Road, Exampleton"}
        ],
        "agencies": [],
        "processes": [{"process": "coroner", "current_status": "Inquest to be listed"}],
    },
    {
        "key": "council-draft",
        "username": "practitioner",
        "submitted": None,
        "manager": ("Robin Example", "Team manager"),
        "child": {"child_name": "Jordan Draftson", "child_address": "5 Example Street, Exampleton"},
        "criteria": None,
        "summary": "",
        "family": [],
        "agencies": [],
        "processes": [],
    },
    {
        "key": "police-draft",
        "username": "police_practitioner",
        "submitted": None,
        "manager": ("", ""),
        "child": {"child_name": "Riley Unfinished"},
        "criteria": None,
        "summary": "",
        "family": [],
        "agencies": [],
        "processes": [],
    },
]


def _make(spec: dict, user, today: date) -> Referral:
    if spec["submitted"] is None:
        submit_day = today
        incident = today - timedelta(days=2)
    else:
        submit_day = _working_days_ago(today, spec["submitted"])
        incident = submit_day - timedelta(days=1)
    aware_at = _at(submit_day, 8, 40)
    submitted_at = _at(submit_day, 15, 10)
    now = submitted_at if spec["submitted"] is not None else min(timezone.now(), _at(today, 12))
    token = uuid.uuid5(DEMO_NAMESPACE, spec["key"])

    referral = referral_create(by=user, start_token=token, now=now)
    manager_name, manager_role = spec["manager"]
    referral_save_section(
        referral=referral,
        section="referrer",
        values={
            **_referrer(user),
            "aware_at": aware_at if manager_name else None,
            "manager_name": manager_name,
            "manager_role": manager_role,
            "manager_agreed_on": submit_day if manager_name else None,
            "disagreement_about_referral": False if manager_name else None,
            "assistant_director_decision": "",
        },
        by=user,
        now=now,
    )
    referral_save_section(
        referral=referral,
        section="child",
        values={"incident_date": incident if spec["submitted"] is not None else None, **spec["child"]},
        by=user,
        now=now,
    )
    if spec["criteria"]:
        referral_save_section(
            referral=referral, section="criteria", values=spec["criteria"], by=user, now=now
        )
    if spec["summary"]:
        referral_save_section(
            referral=referral,
            section="summary",
            values={"summary_of_events": spec["summary"]},
            by=user,
            now=now,
        )
    if spec["family"]:
        referral_save_section(
            referral=referral, section="family", values={}, rows={"family": spec["family"]}, by=user, now=now
        )
    if spec["submitted"] is not None:
        referral_save_section(
            referral=referral,
            section="others",
            values={},
            rows={"agency": spec["agencies"], "process": spec["processes"]},
            by=user,
            now=now,
        )
        referral = referral_submit(referral=referral, by=user, now=now)
    return referral


def seed(stdout=None) -> None:
    """Create the demo referrals that do not exist yet; quietly nothing without the demo users."""
    users = {user.username: user for user in User.objects.filter(username__in={s["username"] for s in DEMO})}
    if len(users) < len({s["username"] for s in DEMO}):
        return
    today = timezone.localdate()
    made = 0
    with transaction.atomic():
        for spec in DEMO:
            token = uuid.uuid5(DEMO_NAMESPACE, spec["key"])
            if Referral.objects.filter(start_token=token).exists():
                continue
            _make(spec, users[spec["username"]], today)
            made += 1
    if stdout is not None:
        stdout.write(f"Demo referrals: {made} created, {len(DEMO) - made} already there.")
