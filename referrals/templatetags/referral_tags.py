from django import template
from django.utils import timezone

from cspr.accounts.roles import Role

from ..selectors import can_list_referrals, referral_home_summary
from ..states import CaseStatus

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


@register.filter
def long_date(value) -> str:
    """27 March 2026: GOV.UK style, without a leading zero."""
    if not value:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
    return f"{value.day} {value:%B %Y}"


@register.filter
def long_datetime(value) -> str:
    """27 March 2026 at 14:30, in UK time."""
    if not value:
        return ""
    value = timezone.localtime(value)
    return f"{value.day} {value:%B %Y} at {value:%H:%M}"
