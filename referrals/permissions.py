"""Who may do what with referrals and the case's first steps, with the sentence that
explains a refusal. Views, services, transitions, templates and the access tests all ask
here."""

from __future__ import annotations

from cspr.accounts.roles import Role
from cspr.permissions import refusal, signed_in


@refusal("Only practitioners can make a referral")
def can_start_referral(user, obj=None) -> bool:
    return signed_in(user) and user.has_role(Role.PRACTITIONER)


@refusal("Only the person who started this referral can change it")
def can_edit_draft(user, referral) -> bool:
    return signed_in(user) and user.pk == referral.created_by_id


@refusal("Only practitioners can submit a referral")
def can_submit(user, referral) -> bool:
    return can_edit_draft(user, referral) and user.has_role(Role.PRACTITIONER)


@refusal("Only the person who started this draft can withdraw it")
def can_withdraw_draft(user, referral) -> bool:
    return can_edit_draft(user, referral)


@refusal("Only agency safeguarding leads and the partnership see this list")
def can_list_referrals(user, obj=None) -> bool:
    return signed_in(user) and (user.is_partnership or user.has_role(Role.AGENCY_LEAD, Role.ADMINISTRATOR))


@refusal("Only the partnership and administrators see every agency's referrals")
def can_see_all_referrals(user, obj=None) -> bool:
    return signed_in(user) and (user.is_partnership or user.has_role(Role.ADMINISTRATOR))


@refusal("Only the subgroup chair, its members and the coordinator see the triage queue")
def can_triage(user, obj=None) -> bool:
    return signed_in(user) and user.is_partnership


@refusal("Only the subgroup chair can record the subgroup decision")
def can_record_decision(user, case=None) -> bool:
    """The subgroup decision is the chair's alone (procedure §9)."""
    return signed_in(user) and user.has_role(Role.CHAIR)


@refusal("Only the subgroup chair or the partnership coordinator can do this")
def can_drive_case(user, case=None) -> bool:
    """Every other step: the chair, the coordinator, or an administrator in admin."""
    if not signed_in(user):
        return False
    if user.has_role(Role.CHAIR, Role.COORDINATOR):
        return True
    return bool(user.is_staff and user.has_role(Role.ADMINISTRATOR))
