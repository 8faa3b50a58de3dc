"""Receiving the final report (rapidreview.services.final_report) meets the local review's
deadline; the file itself is checked in tests/rapidreview/test_uploads.py."""

import pytest

from deadlines.models import Deadline
from referrals.lifecycle.states import CaseStatus

from ...referrals.helpers import deadline
from ..helpers import STEPS, case_in

pytestmark = pytest.mark.django_db

S = CaseStatus


def test_final_report_meets_the_local_review_deadline(chair, practitioner, contacts):
    case = case_in(S.LCSPR_IN_PROGRESS, author=practitioner, by=chair)

    STEPS["receive_final_report"](case, chair)

    assert deadline(case, "complete_local_review").status == Deadline.Status.MET
