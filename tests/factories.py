import time

import factory
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from factory.django import DjangoModelFactory

from cspr.accounts.models import Agency, User
from cspr.accounts.roles import Role
from cspr.notifications.models import Contact, ContactRole

TEST_PASSWORD = "correct-horse-battery-staple"


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Agency {n}")
    kind = Agency.Kind.LOCAL_AUTHORITY


class UserFactory(DjangoModelFactory):
    """A user of one agency. Pass roles=[Role.CHAIR, ...]; the default is a practitioner."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    agency = factory.SubFactory(AgencyFactory)
    job_title = "Social worker"
    telephone = "01234 567890"
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if not create:
            return
        self.set_roles(extracted if extracted is not None else [Role.PRACTITIONER])
        if Role.ADMINISTRATOR in self.roles:
            self.is_staff = True
        self.save()

    @factory.post_generation
    def two_factor(self, create, extracted, **kwargs):
        """Someone whose role needs two-factor sign-in has set up an authenticator app, as
        every such real user has after their first sign-in. two_factor=False leaves it
        to be set up; two_factor=True gives one to anyone."""
        if not create:
            return
        if extracted if extracted is not None else self.two_factor_required:
            TOTPDevice.objects.create(user=self, name="Authenticator app", confirmed=True)


def totp_code(user=None, *, device=None) -> str:
    """The code the user's authenticator app (or the given device) shows now. A code is
    accepted once, so when this step's code was used already, the next step's (within
    django-otp's tolerance)."""
    device = device or TOTPDevice.objects.get(user=user, confirmed=True)
    device.refresh_from_db()
    while True:
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        for ahead in range(device.tolerance + 1):
            totp.drift = device.drift + ahead
            if totp.t() > device.last_t:
                return f"{totp.token():0{device.digits}d}"
        time.sleep(1)


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    name = factory.Sequence(lambda n: f"Contact {n}")
    role = ContactRole.COORDINATOR
    agency = factory.SubFactory(AgencyFactory)
    email = factory.Sequence(lambda n: f"contact{n}@example.org")
    active = True
