"""Template tags the case page and home page use to show the lifecycle without knowing how."""

from django import template

from cspr.accounts.roles import Role

register = template.Library()


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
    from referrals.states import CaseStatus as S

    if not getattr(user, "is_authenticated", False):
        return {"show": False}
    context = {"show": False, "user": user}
    if user.is_partnership:
        cases = Referral.objects.visible_to(user)
        context.update(
            show=True,
            partnership=True,
            is_chair=user.has_role(Role.CHAIR),
            awaiting=triage_queue(user).count(),
            in_rapid_review=cases.filter(
                status__in=[S.RAPID_REVIEW_AGREED, S.RAPID_REVIEW_IN_PROGRESS]
            ).count(),
            awaiting_next_step=cases.filter(status__in=[S.RAPID_REVIEW_COMPLETE, S.SENT_TO_PANEL]).count(),
            in_local_review=cases.filter(
                status__in=[S.LCSPR_COMMISSIONED, S.LCSPR_IN_PROGRESS, S.FINAL_REPORT_RECEIVED]
            ).count(),
        )
    if user.has_role(Role.AGENCY_LEAD, Role.CHAIR, Role.COORDINATOR):
        open_recommendations = (
            Recommendation.objects.visible_to(user).open().exclude(referral__status="closed")
        )
        count = open_recommendations.count()
        if count or user.has_role(Role.AGENCY_LEAD):
            context.update(show=True, show_recommendations=True, recommendations=count)
    return context


@register.filter
def yes_no(value):
    return {True: "Yes", False: "No"}.get(value, "Not answered")
