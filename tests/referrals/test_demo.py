from io import StringIO

import pytest
from django.core.management import call_command

from referrals import demo
from referrals.lifecycle.states import CaseStatus
from referrals.models import Referral

pytestmark = pytest.mark.django_db


def test_seed_makes_drafts_and_submitted_referrals_once(role_groups, settings):
    settings.DEBUG = True  # seed_demo is for development installations
    call_command("seed_demo", stdout=StringIO())

    demo.seed()
    demo.seed()

    referrals = Referral.objects.order_by("pk")
    assert referrals.count() == len(demo.DEMO) == 6
    submitted = referrals.exclude(status=CaseStatus.DRAFT).order_by("submitted_at")
    assert [r.created_by.username for r in submitted] == [
        "practitioner",
        "police_practitioner",
        "health_lead",
        "practitioner",
    ]
    assert all(r.status == CaseStatus.SUBMITTED and r.reference for r in submitted)
    assert [r.reference[-4:] for r in submitted] == ["0001", "0002", "0003", "0004"]
    assert submitted.first().needs_sos_ofsted_notification is True
    assert referrals.filter(status=CaseStatus.DRAFT).count() == 2


def test_seed_without_demo_users_does_nothing(db):
    demo.seed()

    assert Referral.objects.count() == 0
