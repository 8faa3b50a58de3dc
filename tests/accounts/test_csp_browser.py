"""Pages work under the Content-Security-Policy: no violations, GOV.UK scripts still run."""

import pytest

from cspr.accounts.roles import Role

from ..conftest import sign_in
from ..factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pages_run_under_the_content_security_policy(chromium, live_server, make_user):
    make_user(Role.COORDINATOR, username="coordinator")
    context = chromium.new_context(base_url=live_server.url)
    page = context.new_page()
    violations = []
    page.on(
        "console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None
    )
    try:
        sign_in(page, "coordinator", TEST_PASSWORD)
        for path in ("/", "/deadlines/", "/referrals/"):
            response = page.goto(path)
            assert "script-src 'self'" in response.headers["content-security-policy"]
            assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    finally:
        context.close()

    assert violations == []
