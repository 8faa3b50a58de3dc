"""The roles people hold in the partnership's process, as Django groups.

A user holds one or more roles. Views ask `user.has_role(Role.CHAIR)`; the admin uses the
Django permissions each role's group is given here.
"""

from django.contrib.auth.models import Group, Permission
from django.db import models


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    AGENCY_LEAD = "agency_lead", "Agency safeguarding lead"
    CHAIR = "chair", "CSPR subgroup chair"
    MEMBER = "member", "Subgroup member"
    COORDINATOR = "coordinator", "Partnership coordinator"
    ADMINISTRATOR = "administrator", "Administrator"


# Roles that see every submitted case, whatever the agency.
PARTNERSHIP_ROLES = frozenset({Role.CHAIR, Role.MEMBER, Role.COORDINATOR})

# Roles that must sign in with a second factor (an authenticator app): they decide on and
# see every case, or run the system. Anyone else may turn it on for themselves.
TWO_FACTOR_ROLES = frozenset({Role.CHAIR, Role.COORDINATOR, Role.ADMINISTRATOR})

# Model permissions per role, as "app_label.codename" patterns; "*" means all four
# default permissions of the model. Only administrators use Django admin.
ADMIN_MODELS = [
    "accounts.user",
    "accounts.agency",
    "notifications.contact",
    "notifications.notification",
    "audit.auditevent",
    "referrals.*",
    "rapidreview.*",
    "deadlines.*",
    "auth.group",
]


def role_group_name(role: str) -> str:
    return Role(role).label


def sync_role_groups(sender=None, **kwargs):
    for role in Role:
        Group.objects.get_or_create(name=role.label)
    admin_group = Group.objects.get(name=Role.ADMINISTRATOR.label)
    perms = Permission.objects.select_related("content_type")
    wanted = []
    for perm in perms:
        app_label, model = perm.content_type.app_label, perm.content_type.model
        if f"{app_label}.{model}" in ADMIN_MODELS or f"{app_label}.*" in ADMIN_MODELS:
            # The audit trail is append-only: administrators may only view it.
            if app_label == "audit" and not perm.codename.startswith("view_"):
                continue
            wanted.append(perm)
    admin_group.permissions.set(wanted)
