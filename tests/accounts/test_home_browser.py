import pytest

from cspr.accounts.roles import Role

from ..conftest import assert_accessible, sign_in
from ..factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_page_and_home_are_accessible(page, make_user):
    make_user(Role.CHAIR, username="chair")
    page.goto("/account/sign-in/")
    assert_accessible(page, context="sign in")
    sign_in(page, "chair", TEST_PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Welcome")
    assert_accessible(page, context="home")
