import pytest

from cspr.accounts.roles import Role
from cspr.notifications.models import ContactRole
from deadlines import calendar

from ..factories import AgencyFactory, ContactFactory
from .helpers import submitted_case

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


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Many users are made here; hashing their passwords properly is not what is tested."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """Each test counts working days from its own database's calendar, not a previous test's."""
    calendar.invalidate()
    yield
    calendar.invalidate()


@pytest.fixture
def contacts(agency):
    return {
        role: ContactFactory(role=role, agency=agency, email=f"{role}@example.org") for role in CONTACT_ROLES
    }


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


@pytest.fixture
def health(db):
    return AgencyFactory(name="Example Integrated Care Board")


@pytest.fixture
def case(practitioner, contacts):
    return submitted_case(author=practitioner)
