import factory
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


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    name = factory.Sequence(lambda n: f"Contact {n}")
    role = ContactRole.COORDINATOR
    agency = factory.SubFactory(AgencyFactory)
    email = factory.Sequence(lambda n: f"contact{n}@example.org")
    active = True
