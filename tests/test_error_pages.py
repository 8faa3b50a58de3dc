"""403, 404 and 500 pages in the service's look; never Django's debug page."""

import pytest
from django.test import Client

from cspr.accounts.roles import Role
from cspr.views import server_error
from referrals.permissions import can_start_referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def failing_urls(settings):
    settings.ROOT_URLCONF = "tests.error_urls"


def test_debug_is_off_unless_asked_for(settings):
    assert settings.DEBUG is False


def test_server_error_shows_the_service_page_and_nothing_of_the_error(make_user, failing_urls):
    client = Client(raise_request_exception=False)
    client.force_login(make_user())

    response = client.get("/test-boom/")

    html = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in html
    assert 'class="govuk-header' in html
    for leak in ("Traceback", "RuntimeError", "Jane Example", "Example Road"):
        assert leak not in html


def test_server_error_page_needs_no_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = server_error(None)

    assert response.status_code == 500
    assert "Child Safeguarding Practice Reviews" in response.content.decode()


def test_not_found_is_the_service_page(client, make_user):
    client.force_login(make_user())

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "your home page" in html
    assert "/no-such-page/" not in html


def test_forbidden_without_a_reason_says_why_in_words_and_where_to_go(client, make_user, failing_urls):
    client.force_login(make_user())

    response = client.get("/test-refused/")

    assert response.status_code == 403
    html = response.content.decode()
    assert "You cannot open this page" in html
    assert "depends on your role and your agency" in html
    assert 'href="/"' in html


def test_forbidden_shows_the_refusal_sentence(client, make_user):
    client.force_login(make_user(Role.CHAIR))

    response = client.get("/referrals/new/")

    assert response.status_code == 403
    assert can_start_referral.refusal in response.content.decode()


def test_an_expired_form_gets_a_page_that_says_what_to_do():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/account/sign-in/", {"username": "pat", "password": "x"})

    assert response.status_code == 403
    html = response.content.decode()
    assert "Your form could not be sent" in html
    assert "CSRF" not in html
