"""Deadline screens: the dashboard, a case's deadlines, the coordinator's recording forms,
CSV export and the personal iCalendar feed. Each view checks access through
Deadline.objects.visible_to / Referral.objects.visible_to and calls one service."""

from __future__ import annotations

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cspr.audit.models import AuditAction
from cspr.audit.services import audit_read, audit_record
from cspr.permissions import require
from referrals.models import Referral

from . import calendar, ical, selectors, services
from .forms import DashboardFilterForm, FeedTokenForm, StatutoryNotificationForm, WaiveForm
from .models import CalendarFeedToken, Deadline, StatutoryNotification
from .permissions import can_follow_deadlines, can_record_notifications, can_waive

PAGE_SIZE = 50


def _visible_referral(user, pk) -> Referral:
    referral = Referral.objects.visible_to(user).submitted().filter(pk=pk).first()
    if referral is None:
        raise Http404
    return referral


def _case_url(referral) -> str:
    """Back to the deadline section of the case page, where the coordinator works."""
    return reverse("referrals:detail", args=[referral.pk]) + "#deadlines"


def _filtered(request, now):
    form = DashboardFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    return form, filters, selectors.dashboard_queryset(user=request.user, filters=filters, now=now)


@login_required
@require_GET
def dashboard(request):
    require(can_follow_deadlines, request.user)
    now = timezone.now()
    today = calendar.london_date(now)
    form, filters, qs = _filtered(request, now)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(d, selectors.deadline_urgency(d, now=now, today=today)) for d in page.object_list]
    audit_read(
        request=request,
        what=f"Deadlines dashboard, page {page.number}, {len(rows)} rows, filters: "
        + (", ".join(f"{k}={v}" for k, v in filters.items() if v) or "none"),
        now=now,
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "deadlines/dashboard.html",
        {
            "form": form,
            "filters": filters,
            "counts": selectors.deadline_counts(user=request.user, now=now),
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "today": today,
            "is_partnership": request.user.is_partnership,
        },
    )


def _csv_cell(value) -> str:
    text = "" if value is None else str(value)
    # A cell starting with one of these runs as a formula in a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
@require_GET
def export_csv(request):
    require(can_follow_deadlines, request.user)
    now = timezone.now()
    today = calendar.london_date(now)
    _form, filters, qs = _filtered(request, now)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="deadlines-{today.isoformat()}.csv"'
    writer = csv.writer(response)
    # The file leaves the application (saved, emailed, printed), so it says what is due and
    # when, and the rule in words, but not the date counted from nor the worked-out
    # explanation that names it: for some rules that is the date of the child's death or
    # the incident, and for the others the day someone became aware of it, usually the
    # same day or the next. Both stay on the case page, behind sign-in.
    writer.writerow(
        [
            "Case reference",
            "Deadline",
            "Rule code",
            "Target or statutory",
            "Responsible",
            "Referring agency",
            "Case status",
            "Time allowed",
            "Due by the end of",
            "Urgency",
        ]
    )
    count = 0
    for deadline in qs.iterator(chunk_size=1000):
        urgency = selectors.deadline_urgency(deadline, now=now, today=today)
        writer.writerow(
            [
                _csv_cell(value)
                for value in (
                    deadline.referral.reference,
                    deadline.rule.label,
                    deadline.rule.code,
                    "Target" if deadline.rule.is_target else "Statutory or procedure",
                    deadline.rule.responsible,
                    deadline.referral.agency.name,
                    deadline.referral.get_status_display(),
                    deadline.rule.length_text,
                    deadline.due_date.isoformat(),
                    urgency.text,
                )
            ]
        )
        count += 1
    audit_record(
        request.user,
        AuditAction.DEADLINES_EXPORTED,
        None,
        f"Deadlines exported as CSV: {count} rows, filters: "
        + (", ".join(f"{k}={v}" for k, v in filters.items() if v) or "none"),
        request=request,
        now=now,
    )
    return response


@login_required
@require_GET
def case_deadlines(request, referral_pk):
    require(can_follow_deadlines, request.user)
    referral = _visible_referral(request.user, referral_pk)
    now = timezone.now()
    audit_read(request=request, obj=referral, what="Case deadlines viewed", now=now)
    return render(request, "deadlines/case.html", {"referral": referral})


def _audit_form_shown(request, referral, what: str) -> None:
    """A recording form shows the case's reference and deadlines: reading it is audited,
    on first showing and when it is shown again with errors (a change is audited by the
    service instead)."""
    again = " (shown again with errors)" if request.method == "POST" else ""
    audit_read(request=request, obj=referral, what=f"{what}{again}")


def _deadline_for_action(user, pk) -> Deadline:
    deadline = Deadline.objects.visible_to(user).select_related("rule", "referral").filter(pk=pk).first()
    if deadline is None:
        raise Http404
    return deadline


@login_required
@require_http_methods(["GET", "POST"])
def waive(request, pk):
    require(can_waive, request.user)
    deadline = _deadline_for_action(request.user, pk)
    form = WaiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.deadline_waive(deadline=deadline, by=request.user, reason=form.cleaned_data["reason"])
        except services.DeadlineError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, f"{deadline.rule.label}: deadline waived")
            return redirect(_case_url(deadline.referral))
    _audit_form_shown(request, deadline.referral, f"Waive deadline page: {deadline.rule.code}")
    return render(
        request,
        "deadlines/waive.html",
        {
            "form": form,
            "deadline": deadline,
            "urgency": selectors.deadline_urgency(deadline, now=timezone.now()),
            "heading": "Waive a deadline",
            "back_url": _case_url(deadline.referral),
        },
    )


NOTIFICATION_HEADINGS = {
    StatutoryNotification.Kind.NATIONAL_PANEL: "Record the National Panel notification",
    StatutoryNotification.Kind.PARTNERS: "Record that the safeguarding partners were told",
    StatutoryNotification.Kind.SOS_OFSTED: "Record that the Secretary of State and Ofsted were told",
}


@login_required
@require_http_methods(["GET", "POST"])
def record_notification(request, referral_pk, kind):
    if kind not in StatutoryNotification.Kind.values:
        raise Http404
    require(can_record_notifications, request.user)
    referral = _visible_referral(request.user, referral_pk)
    if kind == StatutoryNotification.Kind.SOS_OFSTED and not referral.looked_after_death:
        raise Http404
    existing = StatutoryNotification.objects.filter(referral=referral, kind=kind).first()
    form = StatutoryNotificationForm(request.POST or None, kind=kind, referral=referral)
    if request.method == "POST" and form.is_valid():
        try:
            services.statutory_notification_record(
                referral=referral,
                kind=kind,
                notified_on=form.cleaned_data["notified_on"],
                reference=form.cleaned_data.get("reference", ""),
                note=form.cleaned_data.get("note", ""),
                by=request.user,
            )
        except services.DeadlineError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"{StatutoryNotification.Kind(kind).label}: recorded")
            return redirect(_case_url(referral))
    deadline = Deadline.objects.filter(referral=referral, rule__code=kind).select_related("rule").first()
    _audit_form_shown(request, referral, f"Record notification page: {kind}")
    return render(
        request,
        "deadlines/record_notification.html",
        {
            "form": form,
            "referral": referral,
            "deadline": deadline,
            "existing": existing,
            "heading": NOTIFICATION_HEADINGS[kind],
            "back_url": _case_url(referral),
        },
    )


# --- the personal calendar feed --------------------------------------------------------


def _feed_url(request, token: CalendarFeedToken) -> str:
    return f"{settings.SITE_URL}{reverse('deadlines:feed', args=[token.token])}"


@login_required
@require_http_methods(["GET", "POST"])
def calendar_feed(request):
    require(can_follow_deadlines, request.user)
    active = CalendarFeedToken.objects.active().filter(user=request.user).first()
    if request.method == "POST":
        form = FeedTokenForm(request.POST)
        replaces = form.cleaned_data.get("replaces") if form.is_valid() else None
        services.calendar_feed_token_create(user=request.user, replaces=replaces)
        messages.success(
            request,
            "Your new calendar address is ready. Any address you had before no longer works."
            if active
            else "Your calendar address is ready",
        )
        return redirect("deadlines:calendar_feed")
    return render(
        request,
        "deadlines/calendar_feed.html",
        {
            "active": active,
            "feed_url": _feed_url(request, active) if active else "",
            "replaces": active.pk if active else "",
        },
    )


@login_required
@require_POST
def calendar_feed_revoke(request):
    require(can_follow_deadlines, request.user)
    if services.calendar_feed_token_revoke(user=request.user):
        messages.success(
            request, "Your calendar address has been turned off. Calendars using it get nothing more."
        )
    return redirect("deadlines:calendar_feed")


@require_GET
def feed(request, token):
    """The iCalendar feed: no session (calendar programs cannot sign in), so the secret
    address is the credential. A revoked or unknown address gets a plain 404."""
    now = timezone.now()
    feed_token = (
        CalendarFeedToken.objects.active().select_related("user", "user__agency").filter(token=token).first()
    )
    if feed_token is None or not feed_token.user.is_active or not can_follow_deadlines(feed_token.user):
        raise Http404
    deadlines = list(selectors.feed_deadlines(user=feed_token.user))
    services.calendar_feed_token_used(token=feed_token, now=now)
    audit_record(
        feed_token.user,
        AuditAction.FEED_READ,
        feed_token,
        f"Calendar feed read: {len(deadlines)} deadlines",
        request=request,
        now=now,
    )
    body = ical.deadlines_calendar(deadlines, now=now)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="cspr-deadlines.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
