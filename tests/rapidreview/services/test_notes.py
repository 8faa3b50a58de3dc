"""The subgroup's notes on a case (rapidreview.services.notes)."""

import uuid

import pytest

from rapidreview import services as review_services
from referrals.lifecycle.states import CaseStatus

from ..helpers import case_in

pytestmark = pytest.mark.django_db

S = CaseStatus


def test_case_note_add_posted_twice_adds_one_row(chair, practitioner, contacts):
    case = case_in(S.FINAL_REPORT_RECEIVED, author=practitioner, by=chair)
    token = uuid.uuid4()

    first = review_services.case_note_add(referral=case, text="Police hold CCTV", token=token, by=chair)
    second = review_services.case_note_add(referral=case, text="Police hold CCTV", token=token, by=chair)

    assert first.pk == second.pk
    assert case.notes.count() == 1
