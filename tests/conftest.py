import os

import pytest
from django.conf import settings
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from cspr.accounts.models import User
from cspr.accounts.roles import Role, sync_role_groups
from cspr.notifications.models import ContactRole
from deadlines import calendar

from .factories import AgencyFactory, ContactFactory, UserFactory, totp_code
from .referrals.helpers import submitted_case

# In CI, a test that needs PostgreSQL or Redis must fail, not skip, when it is missing.
REQUIRE_SERVICES = os.environ.get("CSPR_REQUIRE_SERVICES") == "1"


def uses_postgresql() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def need_postgresql():
    if not uses_postgresql():
        if REQUIRE_SERVICES:
            pytest.fail("This test needs PostgreSQL: set DATABASE_URL")
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


def redis_url() -> str:
    url = os.environ.get("REDIS_URL") or os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith("redis"):
        if REQUIRE_SERVICES:
            pytest.fail("This test needs Redis: set REDIS_URL")
        pytest.skip("needs Redis (set REDIS_URL)")
    return url


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.AXES_ENABLED = True
    settings.SITE_URL = "https://cspr.example.org"


@pytest.fixture(autouse=True)
def _no_broker(request, monkeypatch):
    """Tasks queued on commit are recorded, not sent to a broker, unless a test is
    marked real_broker."""
    from celery import Task

    sent = []
    if request.node.get_closest_marker("real_broker"):
        return sent

    def fake_delay(self, *args, **kwargs):
        sent.append((self.name, args, kwargs))

    monkeypatch.setattr(Task, "delay", fake_delay)
    return sent


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Many users are made per test; hashing their passwords properly is not what is tested."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_calendar(monkeypatch):
    """Each test counts working days from its own database's calendar, not a previous test's.

    Within a test the calendar is rebuilt only when a change is saved (as it is in the
    process that makes it), not every few seconds: otherwise a slow machine would land the
    periodic version check inside a measured block of queries. The recheck itself is
    tested with its own interval."""
    monkeypatch.setattr(calendar, "RECHECK_SECONDS", 3600.0)
    calendar.invalidate()
    yield
    calendar.invalidate()


@pytest.fixture
def queued_tasks(_no_broker):
    return _no_broker


@pytest.fixture(autouse=True)
def _force_login_includes_the_second_step(monkeypatch):
    """client.force_login stands for a whole sign-in: for someone with an authenticator
    app, password and code. Tests of the second step itself sign in through the pages, or
    use force_login_password_only."""
    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)
    monkeypatch.setattr(Client, "force_login_password_only", original, raising=False)


DB_FIXTURES = frozenset({"db", "transactional_db", "live_server", "django_db_reset_sequences"})


@pytest.fixture(autouse=True)
def _seeded_rulebook(request):
    """Every database test starts with the seeded deadline rulebook.

    A transactional test ends by flushing every table, which also empties the rows the
    rulebook's data migration wrote; without this, later tests would open no deadlines.
    """
    if not request.node.get_closest_marker("django_db") and not DB_FIXTURES & set(request.fixturenames):
        return
    request.getfixturevalue("_django_db_helper")
    from deadlines.models import DeadlineRule

    if not DeadlineRule.objects.exists():
        from .deadlines.factories import ensure_rulebook

        ensure_rulebook()


@pytest.fixture
def role_groups(db):
    sync_role_groups()


@pytest.fixture
def agency(db):
    return AgencyFactory(name="North Somerset Council")


@pytest.fixture
def other_agency(db):
    return AgencyFactory(name="Avon and Somerset Police")


@pytest.fixture
def make_user(db, role_groups, agency):
    def make(*roles, agency_obj=None, **kwargs):
        return UserFactory(roles=list(roles) or [Role.PRACTITIONER], agency=agency_obj or agency, **kwargs)

    return make


# --- People by role, in the agency (or the other agency), and the contacts told of a case ---


@pytest.fixture
def chair(make_user):
    return make_user(Role.CHAIR, username="chair", email="chair@example.org")


@pytest.fixture
def coordinator(make_user):
    return make_user(Role.COORDINATOR, username="coordinator", email="coordinator@example.org")


@pytest.fixture
def member(make_user, other_agency):
    return make_user(Role.MEMBER, username="member", email="member@example.org", agency_obj=other_agency)


@pytest.fixture
def practitioner(make_user):
    return make_user(Role.PRACTITIONER, username="practitioner", email="practitioner@example.org")


@pytest.fixture
def agency_lead(make_user):
    return make_user(Role.AGENCY_LEAD, username="lead", email="lead@example.org")


@pytest.fixture
def other_lead(make_user, other_agency):
    return make_user(
        Role.AGENCY_LEAD, username="otherlead", email="otherlead@example.org", agency_obj=other_agency
    )


@pytest.fixture
def administrator(make_user):
    return make_user(Role.ADMINISTRATOR, username="admin", email="admin@example.org")


# The roles `people` holds in the agency.
ROLES = ["chair", "coordinator", "member", "practitioner", "agency_lead", "administrator"]


@pytest.fixture
def people(make_user, other_agency):
    """One user per role in the agency, and a practitioner and a lead in the other agency,
    for the role × view × own/other agency matrices."""
    return {
        "chair": make_user(Role.CHAIR, username="chair"),
        "coordinator": make_user(Role.COORDINATOR, username="coordinator"),
        "member": make_user(Role.MEMBER, username="member"),
        "practitioner": make_user(Role.PRACTITIONER, username="author"),
        "agency_lead": make_user(Role.AGENCY_LEAD, username="lead"),
        "administrator": make_user(Role.ADMINISTRATOR, username="admin"),
        # The same roles in the other agency, for own/other agency rows.
        "other_practitioner": make_user(Role.PRACTITIONER, username="otherpract", agency_obj=other_agency),
        "other_lead": make_user(Role.AGENCY_LEAD, username="otherlead", agency_obj=other_agency),
    }


@pytest.fixture
def health(db):
    return AgencyFactory(name="Example Integrated Care Board")


# The contacts the lifecycle tells, one each, so tests can see who was told.
CONTACT_ROLES = [
    ContactRole.COORDINATOR,
    ContactRole.SUBGROUP_CHAIR,
    ContactRole.LA_SERVICE_LEADER_QA,
    ContactRole.LA_DIRECTOR,
    ContactRole.LA_ASSISTANT_DIRECTOR,
    ContactRole.POLICE_REVIEW_TEAM,
    ContactRole.HEALTH_SAFEGUARDING,
]


@pytest.fixture
def contacts(agency):
    return {
        role: ContactFactory(role=role, agency=agency, email=f"{role}@example.org") for role in CONTACT_ROLES
    }


@pytest.fixture
def case(practitioner, contacts):
    """A case just submitted by the practitioner, with the deadlines its submission opens."""
    return submitted_case(author=practitioner)


# --- Browser tests: Playwright drives Debian's Chromium against live_server. ---

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_JS = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def chromium():
    if not os.path.exists(CHROMIUM):
        if REQUIRE_SERVICES:
            pytest.fail(f"Browser tests need Chromium at {CHROMIUM}")
        pytest.skip(f"needs Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    # bypass_csp lets axe-core be injected; test_csp_browser checks pages under the policy.
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 1200, "height": 900}, bypass_csp=True
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


def assert_accessible(page, *, context: str = "") -> None:
    """Run axe-core on the page; fail on any serious or critical violation."""
    page.wait_for_load_state()
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    details = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in bad
    ]
    assert details == [], f"Accessibility violations on {context or page.url}: {details}"


def sign_in(page, username: str, password: str) -> None:
    """Sign in through the pages, entering the authenticator app's code when asked."""
    page.goto("/account/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if "/account/two-factor/code/" in page.url:
        page.get_by_label("Security code").fill(totp_code(User.objects.get(username=username)))
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()
