from django.contrib.auth.models import AbstractUser, Group, UserManager
from django.db import models

from .roles import PARTNERSHIP_ROLES, TWO_FACTOR_ROLES, Role


class Agency(models.Model):
    class Kind(models.TextChoices):
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        POLICE = "police", "Police"
        HEALTH = "health", "Health"
        EDUCATION = "education", "Education"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self):
        return self.name


class User(AbstractUser):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="users")
    job_title = models.CharField("role or job title", max_length=200, blank=True)
    telephone = models.CharField(max_length=40, blank=True)

    objects = UserManager()

    class Meta:
        ordering = ["username"]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def roles(self) -> frozenset[str]:
        """The user's roles, read once per request-lived instance."""
        if not self.is_authenticated or not self.is_active:
            return frozenset()
        cached = getattr(self, "_roles_cache", None)
        if cached is None:
            by_label = {role.label: role.value for role in Role}
            names = self.groups.values_list("name", flat=True)
            cached = frozenset(by_label[name] for name in names if name in by_label)
            self._roles_cache = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_partnership(self) -> bool:
        """Chair, subgroup member or coordinator: sees every submitted case."""
        return bool(self.roles & PARTNERSHIP_ROLES)

    @property
    def two_factor_required(self) -> bool:
        """Chair, coordinator and administrator roles, and anyone with access to Django
        admin, must sign in with an authenticator app as well as a password."""
        return bool(self.roles & TWO_FACTOR_ROLES) or self.is_staff or self.is_superuser

    def set_roles(self, roles) -> None:
        groups = [Group.objects.get_or_create(name=Role(role).label)[0] for role in roles]
        self.groups.set(groups)
        self._roles_cache = None


class SignInThrottle(models.Model):
    """Failed sign-ins to one username, from any address (see cspr.accounts.throttle).

    The username is kept only as a digest: people type passwords into the username field,
    and a typed name says nothing about whether an account has it.
    """

    username_digest = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField()
    blocked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.failures} failures, last {self.last_failure_at:%Y-%m-%d %H:%M}"
