"""Who may record the decision, drive a case and see the triage queue: the predicates of
referrals/permissions.py, and the triage screen's matrix by role and agency."""

import pytest
from django.urls import reverse

from referrals.permissions import can_drive_case, can_record_decision

from ..conftest import ROLES

pytestmark = pytest.mark.django_db


def test_role_permissions_are_the_ones_the_procedure_gives(people):
    may_decide = {role for role in ROLES if can_record_decision(people[role])}
    may_drive = {role for role in ROLES if can_drive_case(people[role])}
    assert may_decide == {"chair"}
    assert may_drive == {"chair", "coordinator", "administrator"}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("chair", 200),
        ("member", 200),
        ("coordinator", 200),
        ("practitioner", 403),
        ("agency_lead", 403),
        ("other_lead", 403),
        ("administrator", 403),
    ],
)
def test_triage_matrix(role, expected, people, client):
    client.force_login(people[role])
    assert client.get(reverse("referrals:triage")).status_code == expected
