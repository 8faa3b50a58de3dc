from django import template

from cspr import dates
from cspr.accounts.roles import Role

from ..lifecycle.states import CaseStatus
from ..permissions import can_list_referrals
from ..selectors import referral_home_summary

register = template.Library()

# Tag colours by where a case is: drafts grey, waiting for someone blue/yellow, ended green.
STATUS_COLOURS = {
    CaseStatus.DRAFT: "grey",
    CaseStatus.SUBMITTED: "blue",
    CaseStatus.WITHDRAWN: "grey",
    CaseStatus.DUPLICATE: "grey",
    CaseStatus.NO_REVIEW: "green",
    CaseStatus.NO_FURTHER_REVIEW: "green",
    CaseStatus.PUBLISHED: "green",
    CaseStatus.IMPROVEMENTS_PUBLISHED: "green",
    CaseStatus.CLOSED: "green",
}


@register.filter
def has_role(user, role: str) -> bool:
    """`{% if user|has_role:"practitioner" %}`: templates cannot call has_role with arguments."""
    return bool(getattr(user, "is_authenticated", False) and role in Role.values and user.has_role(role))


@register.filter
def can_list(user) -> bool:
    return can_list_referrals(user)


@register.inclusion_tag("referrals/_status_tag.html")
def status_tag(referral):
    return {
        "label": referral.get_status_display(),
        "colour": STATUS_COLOURS.get(referral.status, "purple"),
    }


@register.simple_tag
def referral_home(user) -> dict:
    return referral_home_summary(user)


register.filter("long_date", dates.long_date)
register.filter("long_datetime", dates.long_datetime)
