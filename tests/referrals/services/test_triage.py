"""Withdrawing a case and linking it as a duplicate (referrals.services.triage)."""

import pytest

from cspr.audit.models import AuditEvent
from deadlines.models import Deadline
from referrals import services as referral_services
from referrals.lifecycle.kernel import CaseActionError
from referrals.lifecycle.states import CaseStatus

from ..helpers import STEPS, case_in, deadline, submitted_case

pytestmark = pytest.mark.django_db

S = CaseStatus


def test_withdraw_waives_the_open_deadlines(case, chair):
    STEPS["withdraw"](case, chair)

    statuses = set(Deadline.objects.filter(referral=case).values_list("status", flat=True))
    assert Deadline.Status.OPEN not in statuses
    assert deadline(case, "subgroup_decision").waived_reason == "The referral was withdrawn"


def test_duplicate_closes_its_deadlines_and_both_cases_show_the_link(case, chair, practitioner, client):
    main = submitted_case(author=practitioner)

    referral_services.case_link_as_duplicate(
        referral=case, duplicate_of=main, reason="Same incident", by=chair
    )

    case.refresh_from_db()
    assert (case.status, case.duplicate_of) == (S.DUPLICATE, main)
    assert not Deadline.objects.filter(referral=case, status=Deadline.Status.OPEN).exists()
    assert deadline(case, "subgroup_decision").status == Deadline.Status.DUPLICATE
    assert deadline(main, "subgroup_decision").status == Deadline.Status.OPEN
    assert AuditEvent.objects.for_object(main).filter(action="case.duplicate_linked").count() == 1

    client.force_login(chair)
    main_page = client.get(f"/referrals/{main.pk}/").content.decode()
    duplicate_page = client.get(f"/referrals/{case.pk}/").content.decode()
    assert case.reference in main_page
    assert (
        f'linked as a duplicate of case <a class="govuk-link" href="/referrals/{main.pk}/">{main.reference}'
        in (duplicate_page)
    )


def test_duplicate_needs_a_live_other_case(case, chair, practitioner):
    withdrawn = case_in(S.WITHDRAWN, author=practitioner, by=chair)

    with pytest.raises(CaseActionError) as error:
        referral_services.case_link_as_duplicate(referral=case, duplicate_of=withdrawn, by=chair)
    assert error.value.problems == {
        "duplicate_of": f"{withdrawn.reference} cannot be the main case: its status is “Withdrawn”"
    }
    with pytest.raises(CaseActionError, match="cannot be a duplicate of itself"):
        referral_services.case_link_as_duplicate(referral=case, duplicate_of=case, by=chair)
