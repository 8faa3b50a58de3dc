"""Only a superuser grants administration: staff status, superuser status and roles."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from cspr.accounts.roles import Role

pytestmark = pytest.mark.django_db


def post_user_change(client, person, **changes):
    url = reverse("admin:accounts_user_change", args=[person.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name in form.fields and value is not None and name not in ("password", "groups", "last_login")
    }
    data.update({"agency": person.agency_id, "is_active": "on", "date_joined_0": "2026-01-05"})
    data["date_joined_1"] = "09:00:00"
    data.update(changes)
    return client.post(url, data)


@pytest.fixture
def administrator(make_user):
    return make_user(Role.ADMINISTRATOR, username="boss")


def test_administrator_cannot_make_themselves_superuser(client, administrator):
    client.force_login(administrator)

    response = post_user_change(client, administrator, is_superuser="on", first_name="Boss")

    assert response.status_code == 302
    administrator.refresh_from_db()
    assert administrator.first_name == "Boss"
    assert administrator.is_superuser is False


def test_administrator_cannot_give_staff_status_or_roles(client, administrator, make_user):
    person = make_user(Role.PRACTITIONER, username="pat")
    chair = Group.objects.get(name=Role.CHAIR.label)
    client.force_login(administrator)

    post_user_change(client, person, is_staff="on", groups=[chair.pk])

    person.refresh_from_db()
    assert person.is_staff is False
    assert list(person.groups.values_list("name", flat=True)) == [Role.PRACTITIONER.label]


def test_administrator_sees_those_fields_read_only(client, administrator, make_user):
    client.force_login(administrator)
    person = make_user(username="pat")

    form = client.get(reverse("admin:accounts_user_change", args=[person.pk])).context["adminform"].form

    assert {"is_superuser", "is_staff", "groups"}.isdisjoint(form.fields)
    assert {"first_name", "email", "agency", "is_active"} <= set(form.fields)


def test_superuser_can_grant_staff_superuser_and_roles(client, make_user):
    root = make_user(Role.ADMINISTRATOR, username="root", is_superuser=True)
    person = make_user(Role.PRACTITIONER, username="pat")
    chair = Group.objects.get(name=Role.CHAIR.label)
    client.force_login(root)

    post_user_change(client, person, is_staff="on", is_superuser="on", groups=[chair.pk])

    person.refresh_from_db()
    assert (person.is_staff, person.is_superuser) == (True, True)
    assert list(person.groups.values_list("name", flat=True)) == [Role.CHAIR.label]


def test_administrator_cannot_change_role_groups(client, administrator):
    group = Group.objects.get(name=Role.ADMINISTRATOR.label)
    client.force_login(administrator)
    url = reverse("admin:auth_group_change", args=[group.pk])

    client.post(url, {"name": "Renamed", "permissions": []})

    group.refresh_from_db()
    assert group.name == Role.ADMINISTRATOR.label
    assert group.permissions.exists()
    assert client.get(reverse("admin:auth_group_add")).status_code == 403
