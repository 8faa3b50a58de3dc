from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cspr.accounts.models import User

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="only runs with DEBUG on"):
        call_command("seed_demo", stdout=StringIO())

    assert not User.objects.filter(username="admin").exists()


def test_seed_demo_forced_with_debug_off_needs_its_own_password(settings, monkeypatch):
    settings.DEBUG = False
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)

    with pytest.raises(CommandError, match="set DEMO_PASSWORD"):
        call_command("seed_demo", "--force", stdout=StringIO())

    monkeypatch.setenv("DEMO_PASSWORD", "training-only-Pa55word")
    call_command("seed_demo", "--force", stdout=StringIO())

    assert User.objects.get(username="admin").check_password("training-only-Pa55word")


def test_seed_demo_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())

    assert (
        User.objects.filter(
            username__in=["practitioner", "lead", "chair", "member", "coordinator", "admin"]
        ).count()
        == 6
    )


def test_seed_demo_gives_the_roles_that_need_it_a_second_factor_and_prints_it(settings):
    settings.DEBUG = True
    first, second = StringIO(), StringIO()
    call_command("seed_demo", stdout=first)
    call_command("seed_demo", stdout=second)

    with_app = set(TOTPDevice.objects.filter(confirmed=True).values_list("user__username", flat=True))
    assert with_app == {"chair", "coordinator", "admin"}
    chair_key = TOTPDevice.objects.get(user__username="chair")
    assert TOTPDevice.objects.filter(user__username="chair").count() == 1
    codes = list(StaticToken.objects.filter(device__user__username="chair").values_list("token", flat=True))
    assert len(codes) == 10
    for output in (first.getvalue(), second.getvalue()):
        assert "key " in output
        assert codes[0] in output
    assert chair_key.pk == TOTPDevice.objects.get(user__username="chair").pk
