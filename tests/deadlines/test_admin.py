"""Administrators change the calendar and the rulebook in Django admin; open deadlines follow."""

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from cspr.accounts.roles import Role
from cspr.audit.models import AuditEvent
from deadlines.models import CalendarFeedToken, ClosureDay, Deadline, DeadlineRule
from deadlines.services import calendar_day_save, calendar_feed_token_create

from .factories import at, submitted_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    return client


@pytest.fixture
def case(practitioner):
    return submitted_case(
        author=practitioner, submitted_at=at(date(2026, 3, 2), 11), incident_date=date(2026, 2, 25)
    )


def due(case, code) -> date:
    return Deadline.objects.get(referral=case, rule__code=code).due_date


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_adding_a_closure_in_admin_moves_deadlines_and_says_what_moved(admin_client, case):
    response = admin_client.post(
        reverse("admin:deadlines_closureday_add"), {"day": "2026-03-04", "reason": "office move"}
    )
    assert response.status_code == 302
    assert due(case, "report_to_partners") == date(2026, 3, 10)
    (message,) = [m for m in messages_of(response) if "moved" in m]
    assert "3 open deadline(s) moved" in message
    assert (
        f"{case.reference}: Report the incident to the safeguarding partners moved from Mon 9 Mar 2026 to Tue 10 Mar 2026"
        in message
    )
    assert AuditEvent.objects.filter(action="calendar.changed").count() == 1


def test_changing_a_closure_day_in_admin_recomputes_old_and_new_days(admin_client, case, make_user):
    calendar_day_save(
        day_obj=ClosureDay(day=date(2026, 3, 4), reason="office move"), by=make_user(Role.ADMINISTRATOR)
    )
    closure = ClosureDay.objects.get()
    admin_client.post(
        reverse("admin:deadlines_closureday_change", args=[closure.pk]),
        {"day": "2026-03-16", "reason": "office move"},
    )
    assert due(case, "report_to_partners") == date(2026, 3, 9)
    assert due(case, "subgroup_decision") == date(2026, 3, 4)


def test_removing_a_closure_in_admin_moves_deadlines_back(admin_client, case, make_user):
    calendar_day_save(
        day_obj=ClosureDay(day=date(2026, 3, 4), reason="office move"), by=make_user(Role.ADMINISTRATOR)
    )
    closure = ClosureDay.objects.get()
    response = admin_client.post(
        reverse("admin:deadlines_closureday_delete", args=[closure.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert due(case, "report_to_partners") == date(2026, 3, 9)
    assert not ClosureDay.objects.exists()


def test_bulk_removal_in_admin_moves_deadlines_back(admin_client, case, make_user):
    admin = make_user(Role.ADMINISTRATOR)
    for day in (date(2026, 3, 4), date(2026, 3, 5)):
        calendar_day_save(day_obj=ClosureDay(day=day, reason="strike"), by=admin)
    assert due(case, "report_to_partners") == date(2026, 3, 11)
    admin_client.post(
        reverse("admin:deadlines_closureday_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": list(ClosureDay.objects.values_list("pk", flat=True)),
            "post": "yes",
        },
    )
    assert due(case, "report_to_partners") == date(2026, 3, 9)


def test_a_weekend_closure_is_refused(admin_client):
    response = admin_client.post(
        reverse("admin:deadlines_closureday_add"), {"day": "2026-03-07", "reason": "x"}
    )
    assert response.status_code == 200
    assert "is a weekend day" in response.content.decode()
    assert not ClosureDay.objects.exists()


def test_one_off_bank_holiday_in_admin(admin_client, case):
    admin_client.post(
        reverse("admin:deadlines_extraholiday_add"), {"day": "2026-03-06", "name": "Jubilee bank holiday"}
    )
    assert due(case, "report_to_partners") == date(2026, 3, 10)
    assert (
        "Fri 6 Mar Jubilee bank holiday"
        in Deadline.objects.get(referral=case, rule__code="report_to_partners").explanation
    )


def test_editing_a_rule_in_admin_moves_its_open_deadlines(admin_client, case):
    rule = DeadlineRule.objects.get(code="report_to_partners")
    data = {
        "label": rule.label,
        "order": rule.order,
        "active": "on",
        "source": rule.source,
        "opened_by": rule.opened_by,
        "anchor": rule.anchor,
        "anchor_label": rule.anchor_label,
        "length": 3,
        "unit": rule.unit,
        "responsible": rule.responsible,
        "remind_days_before": "1",
        "remind_on_due_day": "on",
        "remind_user_roles": ["coordinator"],
        "remind_contact_roles": ["coordinator"],
        "escalate_contact_roles": ["la_director"],
        "repeat_overdue": "on",
    }
    response = admin_client.post(reverse("admin:deadlines_deadlinerule_change", args=[rule.pk]), data)
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.length, rule.remind_user_roles, rule.escalate_contact_roles) == (
        3,
        ["coordinator"],
        ["la_director"],
    )
    assert due(case, "report_to_partners") == date(2026, 3, 5)
    assert any("1 open deadline(s) moved" in m for m in messages_of(response))


def test_deadlines_are_read_only_in_admin(admin_client, case):
    deadline = Deadline.objects.filter(referral=case).first()
    assert admin_client.get(reverse("admin:deadlines_deadline_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:deadlines_deadline_add")).status_code == 403
    response = admin_client.post(
        reverse("admin:deadlines_deadline_change", args=[deadline.pk]), {"status": "met"}
    )
    assert response.status_code == 403
    assert Deadline.objects.get(pk=deadline.pk).status == deadline.status


def test_rule_pages_render(admin_client):
    assert admin_client.get(reverse("admin:deadlines_deadlinerule_changelist")).status_code == 200
    rule = DeadlineRule.objects.get(code="final_report_to_panel_sos")
    html = admin_client.get(reverse("admin:deadlines_deadlinerule_change", args=[rule.pk])).content.decode()
    assert "Remind users with these roles" in html


def test_calendar_addresses_are_turned_off_in_admin_never_deleted(admin_client, coordinator):
    token = calendar_feed_token_create(user=coordinator)
    changelist = reverse("admin:deadlines_calendarfeedtoken_changelist")

    delete = admin_client.post(
        reverse("admin:deadlines_calendarfeedtoken_delete", args=[token.pk]), {"post": "yes"}
    )
    bulk_delete = admin_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [token.pk], "post": "yes"}
    )

    assert delete.status_code == 403
    assert bulk_delete.status_code in (200, 302)  # the admin's "no such action" answer
    assert CalendarFeedToken.objects.filter(pk=token.pk, revoked_at__isnull=True).exists()
    action_choices = admin_client.get(changelist).context["action_form"].fields["action"].choices
    assert {name for name, _label in action_choices} == {"", "revoke"}

    revoke = admin_client.post(changelist, {"action": "revoke", "_selected_action": [token.pk]})

    assert revoke.status_code == 302
    assert CalendarFeedToken.objects.get(pk=token.pk).revoked_at is not None
    assert AuditEvent.objects.for_object(token).filter(action="calendar_feed.revoked").count() == 1
