"""Who may do what with deadlines, with the sentence that explains a refusal."""

from __future__ import annotations

from cspr.accounts.models import Agency
from cspr.accounts.roles import Role
from cspr.permissions import refusal, signed_in

# Roles that follow deadlines: the dashboard, a case's deadlines, the calendar feed.
DEADLINE_ROLES = (Role.PRACTITIONER, Role.AGENCY_LEAD, Role.CHAIR, Role.MEMBER, Role.COORDINATOR)


@refusal("Only people working on cases see their deadlines")
def can_follow_deadlines(user, obj=None) -> bool:
    return signed_in(user) and user.has_role(*DEADLINE_ROLES)


@refusal("Only the partnership coordinator or the subgroup chair can waive a deadline")
def can_waive(user, obj=None) -> bool:
    return signed_in(user) and user.has_role(Role.COORDINATOR, Role.CHAIR)


@refusal("Only the partnership coordinator or the local authority’s safeguarding lead can record this")
def can_record_notifications(user, obj=None) -> bool:
    """The coordinator, or a local authority's safeguarding lead acting as the LA service
    leader (procedure §5 puts the duty to notify on the local authority)."""
    if not signed_in(user):
        return False
    if user.has_role(Role.COORDINATOR):
        return True
    agency = getattr(user, "agency", None)
    return bool(
        user.has_role(Role.AGENCY_LEAD) and agency is not None and agency.kind == Agency.Kind.LOCAL_AUTHORITY
    )
