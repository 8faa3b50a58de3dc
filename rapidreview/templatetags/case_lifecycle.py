"""Template tags the case page and home page use to show the lifecycle without knowing how."""

from django import template

from deadlines.models import Deadline
from referrals.lifecycle.states import CaseStatus

from ..models import Recommendation
from ..selectors import case_panel
from ..selectors import lifecycle_home as lifecycle_home_context

register = template.Library()


@register.inclusion_tag("rapidreview/_case_panel_body.html")
def case_lifecycle_panel(referral, user):
    """The case's state, the actions open to this person, the decision, the reviews and the timeline."""
    if not referral.pk or referral.status == CaseStatus.DRAFT:
        return {"show": False}
    return {"show": True, "user": user, **case_panel(referral, user)}


@register.inclusion_tag("rapidreview/_home_body.html")
def lifecycle_home(user):
    """Triage and review counts for the subgroup; open recommendations for agency leads."""
    return lifecycle_home_context(user)


@register.simple_tag
def open_deadlines(referral):
    """The case's deadlines still open, for the page that closes it."""
    return list(Deadline.objects.open().filter(referral=referral).select_related("rule"))


# Recommendation tags by where it has got to: not started grey, under way blue, done green.
RECOMMENDATION_COLOURS = {Recommendation.Status.IN_PROGRESS: "blue", Recommendation.Status.DONE: "green"}


@register.inclusion_tag("rapidreview/_recommendation_status.html")
def recommendation_status_tag(recommendation):
    return {
        "label": recommendation.get_status_display(),
        "colour": RECOMMENDATION_COLOURS.get(recommendation.status, "grey"),
    }


@register.filter
def yes_no(value):
    return {True: "Yes", False: "No"}.get(value, "Not answered")
