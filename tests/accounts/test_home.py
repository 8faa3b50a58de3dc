"""Each role's home page: who sees what (role × section)."""

import pytest
from django.urls import reverse

from cspr.accounts.roles import Role

pytestmark = pytest.mark.django_db

ADMIN_LINK = 'href="/admin/"'


@pytest.mark.parametrize(
    ("role", "sees_admin"),
    [
        (Role.PRACTITIONER, False),
        (Role.AGENCY_LEAD, False),
        (Role.CHAIR, False),
        (Role.MEMBER, False),
        (Role.COORDINATOR, False),
        (Role.ADMINISTRATOR, True),
    ],
)
def test_home_shows_role_and_admin_link_only_to_administrators(client, make_user, role, sees_admin):
    user = make_user(role)
    client.force_login(user)

    html = client.get(reverse("home")).content.decode()

    assert f"Your roles: {Role(role).label}." in html
    assert (ADMIN_LINK in html) is sees_admin


def test_home_for_user_without_role_says_so(client, make_user):
    user = make_user()
    user.set_roles([])
    client.force_login(user)

    assert "You have no role yet" in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMINISTRATOR])
def test_admin_site_refuses_non_administrators(client, make_user, role):
    client.force_login(make_user(role))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_admin_site_admits_administrator(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    assert client.get("/admin/").status_code == 200
