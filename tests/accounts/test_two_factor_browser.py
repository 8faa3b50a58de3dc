"""Setting up two-factor sign-in in a browser, as a chair would the first time."""

from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from cspr.accounts.roles import Role

from ..conftest import assert_accessible, sign_in
from ..factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code_for_key(key: str) -> str:
    """What an authenticator app given this key shows now."""
    secret = key.replace(" ", "")
    secret += "=" * (-len(secret) % 8)
    return f"{TOTP(b32decode(secret)).token():06d}"


def test_chair_sets_up_an_authenticator_app_at_first_sign_in(page, make_user, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the right code follows the wrong one at once
    make_user(Role.CHAIR, username="chris", two_factor=False)

    sign_in(page, "chris", TEST_PASSWORD)

    assert page.get_by_role("heading", level=1).inner_text() == "Set up two-factor sign-in"
    assert "Your role needs two-factor sign-in" in page.content()
    assert page.locator("img.app-qr-code").evaluate("img => img.complete && img.naturalWidth > 0")
    assert_accessible(page, context="two-factor set-up")
    page.get_by_text("I cannot scan the QR code").click()
    key = page.locator(".app-secret-key").inner_text()

    page.get_by_label("Security code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    assert "The code is not right" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page, context="two-factor set-up with an error")

    page.get_by_label("Security code").fill(code_for_key(key))
    page.get_by_role("button", name="Continue").click()

    assert page.get_by_role("heading", name="Save your recovery codes").is_visible()
    assert page.locator(".app-recovery-codes li").count() == 10
    assert_accessible(page, context="recovery codes")
    page.get_by_role("link", name="I have saved my recovery codes").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Welcome")


def test_code_page_is_accessible_and_works_on_a_small_screen(page, make_user):
    make_user(Role.COORDINATOR, username="cam")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/account/sign-in/")
    page.get_by_label("Username").fill("cam")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Enter your security code"
    assert_accessible(page, context="security code")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
