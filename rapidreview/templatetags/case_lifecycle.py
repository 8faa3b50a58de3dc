"""Template tags the case page and home page use to show the lifecycle without knowing how."""

from django import template
from django.db.models import Count

from cspr.accounts.roles import Role
from referrals.states import CaseStatus as S

register = template.Library()

# The stages of a case after the decision and before it is closed, in the order a case
# passes through them.
STAGES = [
    S.RAPID_REVIEW_AGREED,
    S.RAPID_REVIEW_IN_PROGRESS,
    S.RAPID_REVIEW_COMPLETE,
    S.SENT_TO_PANEL,
    S.LCSPR_COMMISSIONED,
    S.LCSPR_IN_PROGRESS,
    S.FINAL_REPORT_RECEIVED,
    S.PUBLISHED,
    S.IMPROVEMENTS_PUBLISHED,
    S.NATIONAL_REVIEW,
    S.NO_FURTHER_REVIEW,
    S.NO_REVIEW,
    S.OTHER_LEARNING_REVIEW,
]


@register.inclusion_tag("rapidreview/_case_panel_body.html")
def case_lifecycle_panel(referral, user):
    """The case's state, the actions open to this person, the decision, the reviews and the timeline."""
    from referrals.lifecycle_selectors import case_panel

    if not referral.pk or referral.status == "draft":
        return {"show": False}
    return {"show": True, "user": user, **case_panel(referral, user)}


@register.inclusion_tag("rapidreview/_home_body.html")
def lifecycle_home(user):
    """Triage and review counts for the subgroup; open recommendations for agency leads."""
    from rapidreview.models import Recommendation
    from referrals.lifecycle_selectors import triage_queue
    from referrals.models import Referral

    if not getattr(user, "is_authenticated", False):
        return {"show": False}
    context = {"show": False, "user": user}
    if user.is_partnership:
        counts = dict(
            Referral.objects.visible_to(user)
            .filter(status__in=STAGES)
            .values_list("status")
            .annotate(count=Count("pk"))
            .order_by()
        )
        context.update(
            show=True,
            partnership=True,
            is_chair=user.has_role(Role.CHAIR),
            awaiting=triage_queue(user).count(),
            # Each stage links to the referrals list filtered to it.
            stages=[(status.value, status.label, counts[status]) for status in STAGES if counts.get(status)],
        )
    if user.has_role(Role.AGENCY_LEAD, Role.CHAIR, Role.COORDINATOR):
        open_recommendations = (
            Recommendation.objects.visible_to(user).open().exclude(referral__status="closed")
        )
        count = open_recommendations.count()
        if count or user.has_role(Role.AGENCY_LEAD):
            context.update(show=True, show_recommendations=True, recommendations=count)
    return context


@register.simple_tag
def open_deadlines(referral):
    """The case's deadlines still open, for the page that closes it."""
    from deadlines.models import Deadline

    return list(
        Deadline.objects.filter(referral=referral, status=Deadline.Status.OPEN).select_related("rule")
    )


@register.filter
def yes_no(value):
    return {True: "Yes", False: "No"}.get(value, "Not answered")
