"""Who may do what with reviews and their records, with the sentence that explains a
refusal. Views, services, the actions table, templates and the access tests ask here."""

from __future__ import annotations

from cspr.accounts.roles import Role
from cspr.permissions import refusal, signed_in


@refusal("Only the subgroup and the partnership coordinator can see the subgroup’s deliberations")
def can_see_deliberations(user, obj=None) -> bool:
    """The subgroup's reasoning, criteria answers, notes and review content.

    Practitioners and agency leads see their referral's status and outcome only.
    """
    return signed_in(user) and user.is_partnership


@refusal("Only the subgroup chair, its members and the coordinator act on cases here")
def can_act_on_cases(user, obj=None) -> bool:
    """The case's action pages are the subgroup's and the coordinator's; administrators act
    through admin, with the same forms and services."""
    return signed_in(user) and user.is_partnership


@refusal("Only the chair, the coordinator and agency safeguarding leads record progress")
def can_record_progress(user, obj=None) -> bool:
    """Who may record progress on recommendations at all (which ones: can_update_recommendation)."""
    return signed_in(user) and user.has_role(Role.CHAIR, Role.COORDINATOR, Role.AGENCY_LEAD)


@refusal("Only the subgroup chair, its members and the coordinator can add notes")
def can_add_note(user, case=None) -> bool:
    return signed_in(user) and user.is_partnership


@refusal("Only the subgroup, the coordinator and administrators can open final reports")
def can_download_reports(user, obj=None) -> bool:
    """The subgroup and coordinator, and administrators (who manage the case in admin)."""
    return can_see_deliberations(user) or (
        signed_in(user) and user.is_staff and user.has_role(Role.ADMINISTRATOR)
    )


@refusal("Only the subgroup, the coordinator and agency safeguarding leads see recommendations")
def can_list_recommendations(user, obj=None) -> bool:
    return signed_in(user) and (user.is_partnership or user.has_role(Role.AGENCY_LEAD))


@refusal(
    "Only the chair, the coordinator or a safeguarding lead of an agency named in the "
    "recommendation can record progress on it"
)
def can_update_recommendation(user, recommendation) -> bool:
    """The chair or coordinator, or a safeguarding lead of an agency the recommendation names."""
    if not signed_in(user):
        return False
    if user.has_role(Role.CHAIR, Role.COORDINATOR):
        return True
    # Through .all(), so a list that prefetched the agencies asks nothing more.
    return bool(
        user.has_role(Role.AGENCY_LEAD)
        and user.agency_id
        and user.agency_id in {agency.pk for agency in recommendation.agencies.all()}
    )
