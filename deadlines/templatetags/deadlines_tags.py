"""Template tags the case page and home page use to show deadlines without knowing how."""

from django import template
from django.utils import timezone

from cspr.accounts.roles import Role
from deadlines import calendar, selectors
from deadlines.models import StatutoryNotification
from deadlines.permissions import can_follow_deadlines, can_record_notifications, can_waive

register = template.Library()


@register.inclusion_tag("deadlines/_case_timeline.html")
def case_deadlines(referral, user, show_heading=True):
    """The case's deadline timeline, and the coordinator's actions on it. On a page whose
    own title already says "Deadlines", `show_heading=False` leaves out the section's."""
    now = timezone.now()
    deadlines = selectors.case_deadlines(user=user, referral=referral) if referral.pk else []
    rows = [(d, selectors.deadline_urgency(d, now=now)) for d in deadlines]
    may_record = bool(deadlines) and can_record_notifications(user)
    recorded = (
        {n.kind: n for n in StatutoryNotification.objects.filter(referral_id=referral.pk)}
        if may_record
        else {}
    )
    actions = []
    if may_record:
        kinds = [StatutoryNotification.Kind.NATIONAL_PANEL, StatutoryNotification.Kind.PARTNERS]
        if referral.looked_after_death:
            kinds.append(StatutoryNotification.Kind.SOS_OFSTED)
        actions = [(kind, recorded.get(kind)) for kind in kinds]
    return {
        "referral": referral,
        "show_heading": show_heading,
        "rows": rows,
        "may_waive": can_waive(user),
        "may_record": may_record,
        "notification_actions": actions,
        "la_aware_on": referral.la_aware_on,
        "submitted_on": calendar.london_date(referral.submitted_at) if referral.submitted_at else None,
    }


@register.inclusion_tag("deadlines/_home_panel.html")
def home_deadlines(user):
    """Counts for the partnership; a link for leads and practitioners who have any."""
    if not can_follow_deadlines(user):
        return {"show": False}
    now = timezone.now()
    counts = selectors.deadline_counts(user=user, now=now)
    if user.is_partnership:
        return {"show": True, "partnership": True, "counts": counts}
    has_any = counts.total > 0 or selectors.feed_deadlines(user=user).exists()
    return {"show": has_any, "partnership": False, "counts": counts, "lead": user.has_role(Role.AGENCY_LEAD)}
