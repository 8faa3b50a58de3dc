"""Two-factor sign-in: required for chair, coordinator and administrator, optional for
everyone else; set up, second step, recovery codes, turning off, admin."""

import pytest
from django.contrib.messages import get_messages
from django.test import RequestFactory
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cspr.accounts.permissions import TWO_FACTOR_REQUIRED
from cspr.accounts.roles import Role
from cspr.accounts.two_factor import CODE_WRONG, RECOVERY_CODE_COUNT, SETUP_EXPIRED
from cspr.admin_site import CsprAdminSite
from cspr.audit.models import AuditEvent
from cspr.notifications.models import Notification

from ..factories import TEST_PASSWORD, totp_code

pytestmark = pytest.mark.django_db


def sign_in_with_password(client, username):
    response = client.post(reverse("login"), {"username": username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return response


def pending_code(client, user):
    """The code the app being set up would show (its secret is the one on the page)."""
    device = TOTPDevice.objects.get(pk=client.session["two_factor_pending_device"])
    assert device.user == user
    return totp_code(device=device)


def audit_actions(user):
    return list(
        AuditEvent.objects.filter(object_id=str(user.pk)).order_by("id").values_list("action", flat=True)
    )


@pytest.mark.parametrize("role", [Role.CHAIR, Role.COORDINATOR, Role.ADMINISTRATOR])
def test_required_roles_without_an_app_are_sent_to_set_it_up(client, make_user, role):
    make_user(role, username="pat", two_factor=False)
    sign_in_with_password(client, "pat")

    response = client.get(reverse("referrals:list"))

    assert response.status_code == 302
    assert response.url == reverse("two_factor_setup") + "?next=%2Freferrals%2F"
    assert "Your role needs two-factor sign-in" in [str(m) for m in get_messages(response.wsgi_request)][0]


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.AGENCY_LEAD, Role.MEMBER])
def test_other_roles_without_an_app_sign_in_with_a_password(client, make_user, role):
    make_user(role, username="pat")
    sign_in_with_password(client, "pat")

    assert client.get(reverse("home")).status_code == 200


def test_someone_with_an_app_must_enter_its_code_after_the_password(client, make_user, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no wait after the wrong code here
    pat = make_user(Role.PRACTITIONER, username="pat", two_factor=True)
    sign_in_with_password(client, "pat")

    refused = client.get(reverse("home"))
    wrong = client.post(reverse("two_factor_verify"), {"code": "000000", "next": "/referrals/mine/"})
    right = client.post(reverse("two_factor_verify"), {"code": totp_code(pat), "next": "/referrals/mine/"})

    assert refused.url == reverse("two_factor_verify") + "?next=%2F"
    assert CODE_WRONG in wrong.content.decode()
    assert right.url == "/referrals/mine/"
    assert client.get(reverse("home")).status_code == 200
    assert audit_actions(pat)[-2:] == ["account.two_factor_failed", "account.two_factor_verified"]


def test_second_step_never_redirects_off_the_site(client, make_user):
    pat = make_user(Role.PRACTITIONER, username="pat", two_factor=True)
    sign_in_with_password(client, "pat")

    response = client.post(
        reverse("two_factor_verify"), {"code": totp_code(pat), "next": "https://evil.example/"}
    )

    assert response.url == reverse("home")


def test_a_code_is_accepted_once(client, make_user):
    pat = make_user(Role.PRACTITIONER, username="pat", two_factor=True)
    code = totp_code(pat)
    sign_in_with_password(client, "pat")
    client.post(reverse("two_factor_verify"), {"code": code})
    client.post(reverse("logout"))
    sign_in_with_password(client, "pat")

    again = client.post(reverse("two_factor_verify"), {"code": code})

    assert CODE_WRONG in again.content.decode()


def test_repeated_wrong_codes_make_you_wait(client, make_user):
    make_user(Role.PRACTITIONER, username="pat", two_factor=True)
    sign_in_with_password(client, "pat")
    client.post(reverse("two_factor_verify"), {"code": "000000"})

    html = client.post(reverse("two_factor_verify"), {"code": "111111"}).content.decode()

    assert "You entered a wrong code too many times. Wait" in html


def test_setting_up_the_app_turns_it_on_and_shows_recovery_codes_once(client, make_user):
    chair = make_user(Role.CHAIR, username="chris", two_factor=False)
    sign_in_with_password(client, "chris")
    page = client.get(reverse("two_factor_setup") + "?next=/deadlines/")
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html
    assert page.context["key"].replace(" ", "").isalnum()

    done = client.post(
        reverse("two_factor_setup"), {"code": pending_code(client, chair), "next": "/deadlines/"}
    )
    shown = client.get(done.url)
    again = client.get(reverse("two_factor_recovery_codes"))

    assert done.url == reverse("two_factor_recovery_codes") + "?next=%2Fdeadlines%2F"
    codes = shown.context["codes"]
    assert len(codes) == RECOVERY_CODE_COUNT
    assert all(code in shown.content.decode() for code in codes)
    assert again.context["codes"] is None
    assert codes[0] not in again.content.decode()
    assert TOTPDevice.objects.filter(user=chair, confirmed=True).count() == 1
    assert client.get(reverse("deadlines:dashboard")).status_code == 200
    assert "account.two_factor_enabled" in audit_actions(chair)


def test_a_double_submitted_set_up_confirms_once(client, make_user):
    chair = make_user(Role.CHAIR, username="chris", two_factor=False)
    sign_in_with_password(client, "chris")
    client.get(reverse("two_factor_setup"))
    code = pending_code(client, chair)

    client.post(reverse("two_factor_setup"), {"code": code})
    second = client.post(reverse("two_factor_setup"), {"code": code})

    assert SETUP_EXPIRED in second.content.decode()
    assert TOTPDevice.objects.filter(user=chair, confirmed=True).count() == 1
    assert audit_actions(chair).count("account.two_factor_enabled") == 1


def test_a_wrong_set_up_code_keeps_the_same_key_and_is_audited(client, make_user):
    chair = make_user(Role.CHAIR, username="chris", two_factor=False)
    sign_in_with_password(client, "chris")
    key = client.get(reverse("two_factor_setup")).context["key"]

    response = client.post(reverse("two_factor_setup"), {"code": "12345x"})

    assert CODE_WRONG in response.content.decode()
    assert response.context["key"] == key
    assert not TOTPDevice.objects.filter(user=chair, confirmed=True).exists()
    assert audit_actions(chair) == ["account.two_factor_failed"]


def test_moving_to_a_new_phone_replaces_the_old_app(client, make_user):
    chair = make_user(Role.CHAIR, username="chris")
    old = TOTPDevice.objects.get(user=chair)
    client.force_login(chair)
    client.get(reverse("two_factor_setup"))

    client.post(reverse("two_factor_setup"), {"code": pending_code(client, chair)})

    assert list(TOTPDevice.objects.filter(user=chair).values_list("pk", flat=True)) != [old.pk]
    assert TOTPDevice.objects.filter(user=chair).count() == 1
    assert AuditEvent.objects.get(action="account.two_factor_enabled").summary.startswith(
        "Authenticator app replaced"
    )


def test_a_recovery_code_signs_in_once(client, make_user):
    pat = make_user(Role.COORDINATOR, username="pat")
    client.force_login(pat)
    client.post(reverse("two_factor_recovery_codes_new"))
    code = client.get(reverse("two_factor_recovery_codes")).context["codes"][0]
    client.post(reverse("logout"))

    sign_in_with_password(client, "pat")
    first = client.post(reverse("two_factor_verify"), {"code": code.upper()})
    client.post(reverse("logout"))
    sign_in_with_password(client, "pat")
    second = client.post(reverse("two_factor_verify"), {"code": code})

    assert first.status_code == 302
    assert "recovery code is not right" in second.content.decode()
    assert StaticToken.objects.filter(device__user=pat).count() == RECOVERY_CODE_COUNT - 1
    event = AuditEvent.objects.filter(action="account.two_factor_verified").latest("id")
    assert event.summary == f"Recovery code ({RECOVERY_CODE_COUNT - 1} left)"
    assert code not in event.summary


def test_new_recovery_codes_replace_the_old_ones(client, make_user):
    pat = make_user(Role.COORDINATOR, username="pat")
    client.force_login(pat)
    client.post(reverse("two_factor_recovery_codes_new"))
    old = client.get(reverse("two_factor_recovery_codes")).context["codes"]

    client.post(reverse("two_factor_recovery_codes_new"))

    tokens = set(StaticToken.objects.filter(device__user=pat).values_list("token", flat=True))
    assert tokens.isdisjoint(old)
    assert len(tokens) == RECOVERY_CODE_COUNT
    assert audit_actions(pat).count("account.recovery_codes_replaced") == 2


def test_optional_user_can_turn_two_factor_off(client, make_user):
    pat = make_user(Role.PRACTITIONER, username="pat", two_factor=True)
    client.force_login(pat)

    response = client.post(reverse("two_factor_turn_off"))

    assert response.url == reverse("account")
    assert not TOTPDevice.objects.filter(user=pat).exists()
    assert audit_actions(pat) == ["account.two_factor_disabled"]


def test_required_role_cannot_turn_two_factor_off_and_is_told_why(client, make_user):
    chair = make_user(Role.CHAIR, username="chris")
    client.force_login(chair)

    response = client.post(reverse("two_factor_turn_off"))

    assert response.status_code == 403
    assert TWO_FACTOR_REQUIRED in response.content.decode()
    assert TOTPDevice.objects.filter(user=chair).exists()


def test_unverified_session_can_still_sign_out(client, make_user):
    make_user(Role.CHAIR, username="chris")
    sign_in_with_password(client, "chris")

    client.post(reverse("logout"))

    assert client.get(reverse("home")).url.startswith(reverse("login"))


def test_admin_needs_a_verified_second_step(client, make_user):
    boss = make_user(Role.ADMINISTRATOR, username="boss")
    client.force_login_password_only(boss)

    response = client.get("/admin/")

    assert response.url == reverse("two_factor_verify") + "?next=%2Fadmin%2F"


def test_admin_site_refuses_an_unverified_staff_session():
    request = RequestFactory().get("/admin/")
    request.user = type(
        "Staff", (), {"is_active": True, "is_staff": True, "is_verified": lambda self: False}
    )()

    assert CsprAdminSite().has_permission(request) is False


def test_admin_sign_in_is_the_service_sign_in(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response.url == reverse("login") + "?next=/admin/"


def test_administrator_resets_a_lost_phone_audited_and_emailed(client, make_user):
    boss = make_user(Role.ADMINISTRATOR, username="boss")
    chair = make_user(Role.CHAIR, username="chris")
    client.force_login(boss)

    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [chair.pk]},
    )

    assert not TOTPDevice.objects.filter(user=chair).exists()
    event = AuditEvent.objects.get(action="account.two_factor_reset_by_admin")
    assert (event.actor, event.object_id) == (boss, str(chair.pk))
    assert Notification.objects.filter(event="account_two_factor_reset", recipient_user=chair).count() == 1


def test_only_a_superuser_resets_the_second_step_of_someone_with_admin_access(client, make_user):
    boss = make_user(Role.ADMINISTRATOR, username="boss")
    other = make_user(Role.ADMINISTRATOR, username="other")
    client.force_login(boss)

    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [other.pk]},
    )

    assert TOTPDevice.objects.filter(user=other).exists()


def test_a_reset_ends_the_verified_sessions(client, make_user):
    chair = make_user(Role.CHAIR, username="chris")
    client.force_login(chair)
    TOTPDevice.objects.filter(user=chair).delete()

    assert client.get(reverse("home")).url == reverse("two_factor_setup") + "?next=%2F"


def test_two_factor_devices_are_not_in_admin(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR, username="root", is_superuser=True))

    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404


def test_account_page_says_whether_two_factor_is_on(client, make_user):
    client.force_login(make_user(Role.PRACTITIONER, username="pat"))
    off = client.get(reverse("account")).content.decode()
    client.force_login(make_user(Role.CHAIR, username="chris"))
    on = client.get(reverse("account")).content.decode()

    assert "Off" in off and "Set up" in off
    assert "On: authenticator app added" in on
    assert "Turn off" not in on


def test_header_offers_only_sign_out_until_the_second_step_is_done(client, make_user):
    pat = make_user(Role.COORDINATOR, username="pat")
    sign_in_with_password(client, "pat")
    pending = client.get(reverse("two_factor_verify")).content.decode()
    client.post(reverse("two_factor_verify"), {"code": totp_code(pat)})
    done = client.get(reverse("home")).content.decode()

    assert "Sign out" in pending
    assert ">Your account<" not in pending
    assert 'href="/deadlines/"' not in pending
    assert ">Your account<" in done
