import csv
import io
from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.template import Context, Template
from django.urls import reverse

from cspr.accounts.models import Agency
from cspr.accounts.roles import Role
from cspr.audit.models import AuditAction, AuditEvent
from deadlines.models import CalendarFeedToken, Deadline, StatutoryNotification
from deadlines.services import (
    calendar_feed_token_create,
    calendar_feed_token_revoke,
    deadline_open,
    deadline_waive,
)
from referrals.lifecycle.states import CaseStatus

from ..factories import AgencyFactory
from ..referrals.factories import CHILD_ADDRESS, CHILD_NAME
from .factories import at, submitted_case

pytestmark = pytest.mark.django_db

# "now" for these tests: Thu 5 Mar 2026, 10:00.
NOW_DAY = date(2026, 3, 5)


@pytest.fixture(autouse=True)
def _now(clock):
    clock.set(NOW_DAY)
    return clock


@pytest.fixture
def people(make_user, agency, other_agency):
    """One user per role; the agency lead and a practitioner in each agency."""
    return {
        "coordinator": make_user(Role.COORDINATOR),
        "chair": make_user(Role.CHAIR),
        "member": make_user(Role.MEMBER),
        "lead_own": make_user(Role.AGENCY_LEAD),
        "lead_other": make_user(Role.AGENCY_LEAD, agency_obj=other_agency),
        "author": make_user(Role.PRACTITIONER),
        "practitioner_other": make_user(Role.PRACTITIONER),
        "administrator": make_user(Role.ADMINISTRATOR),
    }


@pytest.fixture
def case(people):
    return submitted_case(
        author=people["author"], submitted_at=at(date(2026, 3, 2), 11), incident_date=date(2026, 2, 25)
    )


# Who sees the case's deadlines (True), who may use the screens but not see them (False),
# and who may not use deadline screens at all (None).
SEES = {
    "coordinator": True,
    "chair": True,
    "member": True,
    "lead_own": True,
    "lead_other": False,
    "author": True,
    "practitioner_other": False,
    "administrator": None,
}


@pytest.mark.parametrize("who", SEES)
def test_access_dashboard(client, people, case, who):
    client.force_login(people[who])
    response = client.get(reverse("deadlines:dashboard"))
    if SEES[who] is None:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    assert (case.reference in response.content.decode()) is SEES[who]


@pytest.mark.parametrize("who", SEES)
def test_access_csv(client, people, case, who):
    client.force_login(people[who])
    response = client.get(reverse("deadlines:export_csv"))
    if SEES[who] is None:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert ({row[0] for row in rows[1:]} == {case.reference}) is SEES[who]
    assert (len(rows) == 4) is SEES[who]  # header + 3 open deadlines
    assert CHILD_NAME not in response.content.decode()
    assert CHILD_ADDRESS.split(",")[0] not in response.content.decode()


@pytest.mark.parametrize("who", SEES)
def test_access_case_timeline(client, people, case, who):
    client.force_login(people[who])
    response = client.get(reverse("deadlines:case", args=[case.pk]))
    expected = {True: 200, False: 404, None: 403}[SEES[who]]
    assert response.status_code == expected
    if expected == 200:
        assert "Report the incident to the safeguarding partners" in response.content.decode()
        assert AuditEvent.objects.for_object(case).filter(action=AuditAction.CASE_VIEWED).count() == 1


@pytest.mark.parametrize("who", SEES)
def test_access_case_page_partial(people, case, who):
    html = Template("{% include 'deadlines/_case_deadlines.html' %}").render(
        Context({"referral": case, "user": people[who]})
    )
    # The administrator sees cases as referrals' own scoping allows; deadlines follow it.
    sees = SEES[who] is not False
    assert ("Report the incident to the safeguarding partners" in html) is sees
    assert ("This case has no deadlines" in html) is not sees


@pytest.mark.parametrize("who", SEES)
def test_access_ical_feed(client, people, case, who):
    token = calendar_feed_token_create(user=people[who])
    response = client.get(reverse("deadlines:feed", args=[token.token]))
    if SEES[who] is None:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n")
    assert (case.reference in body) is SEES[who]
    assert (body.count("BEGIN:VEVENT") == 3) is SEES[who]


def test_revoked_feed_address_gets_nothing(client, people, case):
    token = calendar_feed_token_create(user=people["coordinator"])
    calendar_feed_token_revoke(user=people["coordinator"])
    response = client.get(reverse("deadlines:feed", args=[token.token]))
    assert response.status_code == 404
    assert case.reference not in response.content.decode()


def test_unknown_feed_address_and_inactive_user_get_nothing(client, people, case):
    assert client.get(reverse("deadlines:feed", args=["not-a-token"])).status_code == 404
    token = calendar_feed_token_create(user=people["coordinator"])
    people["coordinator"].is_active = False
    people["coordinator"].save()
    assert client.get(reverse("deadlines:feed", args=[token.token])).status_code == 404


def test_ical_feed_content(client, people, case):
    token = calendar_feed_token_create(user=people["coordinator"])
    raw = client.get(reverse("deadlines:feed", args=[token.token])).content.decode()
    assert all(len(line.encode()) <= 75 for line in raw.split("\r\n"))
    body = raw.replace("\r\n ", "")  # unfold continued lines
    deadline = Deadline.objects.get(referral=case, rule__code="report_to_partners")
    assert f"UID:deadline-{deadline.pk}@cspr.example.org" in body
    assert "DTSTART;VALUE=DATE:20260309\r\n" in body
    assert "DTEND;VALUE=DATE:20260310\r\n" in body
    assert f"SUMMARY:{case.reference}: Report the incident to the safeguarding partners (due)" in body
    assert CHILD_NAME not in body and CHILD_ADDRESS.split(",")[0] not in body
    assert CalendarFeedToken.objects.get(pk=token.pk).last_used_at is not None
    assert AuditEvent.objects.filter(action="deadlines.feed_read").count() == 1


# The incident (Wed 25 Feb 2026, the case fixture's) and the days people became aware of
# it (Mon 2 Mar) in every form a file could carry them.
ANCHOR_DATES = ("2026-02-25", "20260225", "Wed 25 Feb 2026", "25 Feb", "2026-03-02", "20260302", "Mon 2 Mar")


def test_ical_feed_says_what_is_due_and_never_the_date_counted_from(client, people, case):
    token = calendar_feed_token_create(user=people["coordinator"])
    body = client.get(reverse("deadlines:feed", args=[token.token])).content.decode().replace("\r\n ", "")

    for text in (*ANCHOR_DATES, "(the incident)", "becoming aware", "working days after"):
        assert text not in body
    link = f"https://cspr.example.org{reverse('referrals:detail', args=[case.pk])}"
    assert (
        "DESCRIPTION:Subgroup decides whether to hold a rapid review\\, and with which organisations: "
        "due by the end of Wed 4 Mar 2026.\\n"
        f"Responsible: CSPR subgroup chair.\\n{link}\r\n"
    ) in body


def test_ical_feed_marks_a_target_as_the_partnerships_own(client, people, case):
    deadline_open(
        referral=case, rule_code="send_rapid_review_to_panel", anchor=date(2026, 3, 5), by=people["chair"]
    )
    token = calendar_feed_token_create(user=people["coordinator"])
    body = client.get(reverse("deadlines:feed", args=[token.token])).content.decode().replace("\r\n ", "")

    assert (
        "to the National Panel: target by the end of Fri 6 Mar 2026.\\n"
        "The procedure says ‘as soon as’: this date is the partnership’s target.\\n"
    ) in body


def test_csv_says_the_time_allowed_and_never_the_date_counted_from(client, people, case):
    client.force_login(people["coordinator"])
    body = client.get(reverse("deadlines:export_csv")).content.decode()
    rows = list(csv.reader(io.StringIO(body)))

    for text in (*ANCHOR_DATES, "(the incident)"):
        assert text not in body
    assert rows[0] == [
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
    assert {(row[2], row[7], row[8]) for row in rows[1:]} == {
        ("subgroup_decision", "5 working days after the incident", "2026-03-04"),
        (
            "notify_national_panel",
            "5 working days after the local authority becoming aware of the incident",
            "2026-03-09",
        ),
        (
            "report_to_partners",
            "5 working days after the local authority becoming aware of the incident",
            "2026-03-09",
        ),
    }


def test_case_page_still_explains_the_arithmetic_to_those_who_may_see_the_case(client, people, case):
    client.force_login(people["coordinator"])
    html = client.get(reverse("deadlines:case", args=[case.pk])).content.decode()
    assert "Wed 25 Feb 2026 (the incident)" in html


def test_dashboard_needs_sign_in(client):
    response = client.get(reverse("deadlines:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- dashboard counts, filters, order and queries ------------------------------------


@pytest.fixture
def spread(people, other_agency):
    """Cases whose open deadlines fall overdue, today, soon and later (today is Thu 5 Mar)."""
    police_author = people["practitioner_other"]
    police_author.agency = other_agency
    police_author.save()
    return {
        # Incident Wed 25 Feb: subgroup decision due Wed 4 Mar (overdue); LA ones due Mon 9 (soon).
        "overdue": submitted_case(
            author=people["author"], submitted_at=at(date(2026, 3, 2), 11), incident_date=date(2026, 2, 25)
        ),
        # Incident Thu 26 Feb: subgroup decision due today; LA ones due Mon 9 Mar.
        "today": submitted_case(
            author=police_author, submitted_at=at(date(2026, 3, 2), 11), incident_date=date(2026, 2, 26)
        ),
        # Submitted Thu 5 Mar: LA ones due Thu 12 Mar (soon); subgroup decision Thu 12 (soon).
        "soon": submitted_case(
            author=people["author"],
            submitted_at=at(date(2026, 3, 5), 9),
            incident_date=date(2026, 3, 5),
            status=CaseStatus.RAPID_REVIEW_AGREED,
        ),
        # Submitted Thu 5 Mar with a rapid review started: 15 working days, due Thu 26 Mar (later).
    }


def test_dashboard_counts(client, people, spread):
    client.force_login(people["coordinator"])
    counts = client.get(reverse("deadlines:dashboard")).context["counts"]
    assert (counts.overdue, counts.due_today, counts.due_soon) == (1, 1, 7)


def test_dashboard_is_most_urgent_first_with_rag_text(client, people, spread):
    client.force_login(people["coordinator"])
    rows = client.get(reverse("deadlines:dashboard")).context["rows"]
    assert [(d.referral.reference, d.rule.code, u.rag, u.text) for d, u in rows[:2]] == [
        (spread["overdue"].reference, "subgroup_decision", "red", "Overdue by 1 working day"),
        (spread["today"].reference, "subgroup_decision", "amber", "Due today"),
    ]
    assert [d.due_date for d, _ in rows] == sorted(d.due_date for d, _ in rows)
    assert rows[-1][1].text == "Due in 5 working days"


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"overdue": "on"}, {("overdue", "subgroup_decision")}),
        (
            {"rule": "subgroup_decision"},
            {("overdue", "subgroup_decision"), ("today", "subgroup_decision"), ("soon", "subgroup_decision")},
        ),
        (
            {"case_status": CaseStatus.RAPID_REVIEW_AGREED},
            {
                ("soon", "subgroup_decision"),
                ("soon", "notify_national_panel"),
                ("soon", "report_to_partners"),
            },
        ),
        (
            {"rule": "report_to_partners", "overdue": ""},
            {
                ("overdue", "report_to_partners"),
                ("today", "report_to_partners"),
                ("soon", "report_to_partners"),
            },
        ),
    ],
)
def test_dashboard_filters(client, people, spread, query, expected):
    names = {case.pk: name for name, case in spread.items()}
    client.force_login(people["coordinator"])
    rows = client.get(reverse("deadlines:dashboard"), query).context["rows"]
    assert {(names[d.referral_id], d.rule.code) for d, _ in rows} == expected


def test_dashboard_filters_by_agency(client, people, spread, other_agency):
    client.force_login(people["coordinator"])
    rows = client.get(reverse("deadlines:dashboard"), {"agency": other_agency.pk}).context["rows"]
    assert {d.referral_id for d, _ in rows} == {spread["today"].pk}


def test_dashboard_ignores_a_nonsense_filter(client, people, spread):
    client.force_login(people["coordinator"])
    response = client.get(reverse("deadlines:dashboard"), {"agency": "abc", "rule": "nope"})
    assert response.status_code == 200
    assert len(response.context["rows"]) == 9


def test_csv_export_follows_the_filters_and_is_audited(client, people, spread):
    client.force_login(people["coordinator"])
    response = client.get(reverse("deadlines:export_csv"), {"overdue": "on"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Case reference", "Deadline", "Rule code"]
    assert [(r[0], r[2], r[8], r[9]) for r in rows[1:]] == [
        (spread["overdue"].reference, "subgroup_decision", "2026-03-04", "Overdue by 1 working day")
    ]
    assert response["Content-Disposition"] == 'attachment; filename="deadlines-2026-03-05.csv"'
    assert "overdue=True" in AuditEvent.objects.get(action="deadlines.exported").summary


def test_dashboard_is_paginated(client, people):
    for _ in range(18):
        submitted_case(
            author=people["author"], submitted_at=at(date(2026, 3, 2), 11), incident_date=date(2026, 2, 25)
        )
    client.force_login(people["coordinator"])
    first = client.get(reverse("deadlines:dashboard"))
    assert len(first.context["rows"]) == 50
    assert first.context["page"].paginator.count == 54
    second = client.get(reverse("deadlines:dashboard"), {"page": 2})
    assert len(second.context["rows"]) == 4
    assert 'rel="next"' in first.content.decode()


@pytest.mark.parametrize("cases", [1, 20])
def test_dashboard_queries_do_not_grow_with_rows(client, people, cases, django_assert_max_num_queries):
    for _ in range(cases):
        submitted_case(
            author=people["author"], submitted_at=at(date(2026, 3, 2), 11), incident_date=date(2026, 2, 25)
        )
    client.force_login(people["coordinator"])
    # 13: the page's own queries plus one per request for the session's two-factor device.
    with django_assert_max_num_queries(13):
        response = client.get(reverse("deadlines:dashboard"))
    assert len(response.context["rows"]) == min(3 * cases, 50)


def test_dashboard_view_is_audited(client, people, case):
    client.force_login(people["coordinator"])
    client.get(reverse("deadlines:dashboard"), {"overdue": "on"})
    event = AuditEvent.objects.get(action=AuditAction.LIST_VIEWED)
    assert event.actor == people["coordinator"]
    assert "overdue=True" in event.summary


# --- home page ------------------------------------------------------------------------


def test_home_shows_counts_to_the_partnership(client, people, spread):
    client.force_login(people["coordinator"])
    html = client.get(reverse("home")).content.decode()
    assert "1 overdue" in html and "1 due today" in html and "7 due in the next 5 working days" in html


def test_home_links_practitioners_to_their_deadlines_only_if_they_have_any(client, people, case):
    client.force_login(people["author"])
    assert reverse("deadlines:dashboard") in client.get(reverse("home")).content.decode()
    client.force_login(people["practitioner_other"])
    assert "See the deadlines of your" not in client.get(reverse("home")).content.decode()
    client.force_login(people["lead_own"])
    assert "See the deadlines of your agency’s referrals" in client.get(reverse("home")).content.decode()
    client.force_login(people["lead_other"])
    assert "See the deadlines of your" not in client.get(reverse("home")).content.decode()


# --- waiving -------------------------------------------------------------------------


def test_waive_form_waives_and_returns_to_the_case(client, people, case):
    target = Deadline.objects.get(referral=case, rule__code="subgroup_decision")
    client.force_login(people["chair"])
    url = reverse("deadlines:waive", args=[target.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "A neighbouring partnership leads the review"})
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:detail", args=[case.pk]) + "#deadlines"
    target.refresh_from_db()
    assert (target.status, target.waived_reason) == (
        Deadline.Status.WAIVED,
        "A neighbouring partnership leads the review",
    )
    # The same form posted again changes nothing more.
    assert client.post(url, {"reason": "A neighbouring partnership leads the review"}).status_code == 302
    assert AuditEvent.objects.filter(action="deadline.waived").count() == 1


def test_waive_form_needs_a_reason(client, people, case):
    target = Deadline.objects.get(referral=case, rule__code="subgroup_decision")
    client.force_login(people["coordinator"])
    response = client.post(reverse("deadlines:waive", args=[target.pk]), {"reason": ""})
    assert response.status_code == 200
    assert "Enter why the deadline is being waived" in response.content.decode()
    assert Deadline.objects.get(pk=target.pk).status == Deadline.Status.OPEN


def test_waiving_a_closed_deadline_shows_why_not(client, people, case):
    target = Deadline.objects.get(referral=case, rule__code="refer_to_partnership")
    client.force_login(people["coordinator"])
    response = client.post(reverse("deadlines:waive", args=[target.pk]), {"reason": "x"})
    assert "only an open deadline can be waived" in response.content.decode()


@pytest.mark.parametrize("who", ["member", "lead_own", "author", "administrator"])
def test_waive_form_is_for_the_coordinator_and_chair_only(client, people, case, who):
    target = Deadline.objects.get(referral=case, rule__code="subgroup_decision")
    client.force_login(people[who])
    assert client.get(reverse("deadlines:waive", args=[target.pk])).status_code == 403
    assert client.post(reverse("deadlines:waive", args=[target.pk]), {"reason": "x"}).status_code == 403


# --- LA awareness and notifications --------------------------------------------------


def test_la_aware_form_moves_the_deadlines(client, people):
    case = submitted_case(
        author=people["author"], submitted_at=at(date(2026, 3, 4), 11), incident_date=date(2026, 2, 25)
    )
    client.force_login(people["coordinator"])
    url = reverse("referrals:la_aware", args=[case.pk])
    response = client.post(url, {"la_aware_on_0": "26", "la_aware_on_1": "2", "la_aware_on_2": "2026"})
    assert response.status_code == 302
    assert Deadline.objects.get(referral=case, rule__code="notify_national_panel").due_date == date(
        2026, 3, 5
    )
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Date the local authority became aware saved. New due dates – "
        "Notify the National Panel (serious incident notification): Thu 5 Mar 2026; "
        "Report the incident to the safeguarding partners: Thu 5 Mar 2026."
    ]
    event = AuditEvent.objects.get(action="referral.la_aware_recorded")
    assert "Moved: Notify the National Panel (serious incident notification): 2026-03-11 to 2026-03-05" in (
        event.summary
    )


@pytest.mark.parametrize(
    "day, month, year, message",
    [
        ("", "", "", "Enter the date the local authority became aware"),
        ("31", "2", "2026", "Date the local authority became aware must be a real date"),
        ("6", "3", "2026", "must be today or in the past"),
        ("20", "2", "2026", "must be on or after the date of the incident"),
    ],
)
def test_la_aware_form_errors_keep_what_was_typed(client, people, case, day, month, year, message):
    client.force_login(people["coordinator"])
    response = client.post(
        reverse("referrals:la_aware", args=[case.pk]),
        {"la_aware_on_0": day, "la_aware_on_1": month, "la_aware_on_2": year},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "govuk-error-summary" in html
    if year:
        assert f'value="{year}"' in html


# The agency fixtures are local authorities: their leads act as the LA service leader,
# but only for the cases they can see.
@pytest.mark.parametrize(
    "who, status",
    [
        ("coordinator", 200),
        ("lead_own", 200),
        ("lead_other", 404),
        ("member", 403),
        ("author", 403),
        ("chair", 403),
    ],
)
def test_la_aware_form_access(client, people, case, who, status):
    client.force_login(people[who])
    assert client.get(reverse("referrals:la_aware", args=[case.pk])).status_code == status


def test_la_lead_of_another_agencys_case_cannot_see_it(client, people, case, other_agency):
    la = AgencyFactory(name="Neighbouring Council", kind=Agency.Kind.LOCAL_AUTHORITY)
    people["lead_other"].agency = la
    people["lead_other"].save()
    client.force_login(people["lead_other"])
    assert client.get(reverse("referrals:la_aware", args=[case.pk])).status_code == 404


@pytest.mark.parametrize(
    "who, status",
    [
        ("coordinator", 200),
        ("lead_own", 200),
        ("lead_other", 404),
        ("chair", 403),
        ("member", 403),
        ("author", 403),
        ("practitioner_other", 403),
        ("administrator", 403),
    ],
)
def test_record_notification_form_access(client, people, case, who, status):
    client.force_login(people[who])
    url = reverse("deadlines:record_notification", args=[case.pk, "report_to_partners"])
    assert client.get(url).status_code == status
    response = client.post(url, {"notified_on_0": "4", "notified_on_1": "3", "notified_on_2": "2026"})
    assert response.status_code == (302 if status == 200 else status)
    recorded = StatutoryNotification.objects.filter(referral=case, kind="report_to_partners").exists()
    assert recorded is (status == 200)
    if recorded:
        event = AuditEvent.objects.for_object(case).get(action="statutory_notification.recorded")
        assert event.actor == people[who]


def test_record_national_panel_notification(client, people, case):
    client.force_login(people["coordinator"])
    url = reverse("deadlines:record_notification", args=[case.pk, "notify_national_panel"])
    html = client.get(url).content.decode()
    assert "When was the National Panel notified?" in html
    data = {"notified_on_0": "4", "notified_on_1": "3", "notified_on_2": "2026", "reference": "SIN-42"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # posted twice: one record
    assert StatutoryNotification.objects.get(referral=case).reference == "SIN-42"
    assert (
        Deadline.objects.get(referral=case, rule__code="notify_national_panel").status == Deadline.Status.MET
    )


def test_record_notification_errors(client, people, case):
    client.force_login(people["coordinator"])
    url = reverse("deadlines:record_notification", args=[case.pk, "notify_national_panel"])
    response = client.post(
        url, {"notified_on_0": "4", "notified_on_1": "3", "notified_on_2": "2026", "reference": ""}
    )
    assert "Enter the National Panel’s notification reference" in response.content.decode()
    assert not StatutoryNotification.objects.exists()


def test_sos_ofsted_form_only_for_a_looked_after_childs_death(client, people, case):
    client.force_login(people["coordinator"])
    assert (
        client.get(reverse("deadlines:record_notification", args=[case.pk, "notify_sos_ofsted"])).status_code
        == 404
    )
    assert client.get(reverse("deadlines:record_notification", args=[case.pk, "bogus"])).status_code == 404


# --- reading the recording forms is audited -------------------------------------------


def form_reads(case) -> list[tuple[str, str]]:
    return list(
        AuditEvent.objects.for_object(case)
        .filter(action=AuditAction.CASE_VIEWED)
        .order_by("pk")
        .values_list("actor_username", "summary")
    )


def test_reading_the_waive_form_is_audited_once_per_showing(client, people, case):
    target = Deadline.objects.get(referral=case, rule__code="subgroup_decision")
    chair = people["chair"]
    client.force_login(chair)
    url = reverse("deadlines:waive", args=[target.pk])

    client.get(url)
    client.post(url, {"reason": ""})
    client.post(url, {"reason": "A neighbouring partnership leads the review"})

    assert form_reads(case) == [
        (chair.username, "Waive deadline page: subgroup_decision"),
        (chair.username, "Waive deadline page: subgroup_decision (shown again with errors)"),
    ]


def test_reading_the_la_awareness_form_is_audited_once_per_showing(client, people, case):
    coordinator = people["coordinator"]
    client.force_login(coordinator)
    url = reverse("referrals:la_aware", args=[case.pk])

    client.get(url)
    client.post(url, {"la_aware_on_0": "", "la_aware_on_1": "", "la_aware_on_2": ""})
    client.post(url, {"la_aware_on_0": "26", "la_aware_on_1": "2", "la_aware_on_2": "2026"})

    assert form_reads(case) == [
        (coordinator.username, "Local authority awareness date page"),
        (coordinator.username, "Local authority awareness date page (shown again with errors)"),
    ]


def test_reading_the_notification_form_is_audited_once_per_showing(client, people, case):
    lead = people["lead_own"]
    client.force_login(lead)
    url = reverse("deadlines:record_notification", args=[case.pk, "notify_national_panel"])

    client.get(url)
    client.post(url, {"notified_on_0": "4", "notified_on_1": "3", "notified_on_2": "2026", "reference": ""})
    data = {"notified_on_0": "4", "notified_on_1": "3", "notified_on_2": "2026", "reference": "SIN-42"}
    client.post(url, data)

    assert form_reads(case) == [
        (lead.username, "Record notification page: notify_national_panel"),
        (lead.username, "Record notification page: notify_national_panel (shown again with errors)"),
    ]


@pytest.mark.parametrize("who", ["member", "author", "lead_other", "administrator"])
def test_recording_forms_refused_audit_no_read(client, people, case, who):
    target = Deadline.objects.get(referral=case, rule__code="subgroup_decision")
    client.force_login(people[who])
    for url in (
        reverse("deadlines:waive", args=[target.pk]),
        reverse("referrals:la_aware", args=[case.pk]),
        reverse("deadlines:record_notification", args=[case.pk, "report_to_partners"]),
    ):
        assert client.get(url).status_code in (403, 404)
    assert form_reads(case) == []


def test_coordinator_sees_the_recording_actions_on_the_case_page_partial(people, case):
    html = Template("{% include 'deadlines/_case_deadlines.html' %}").render(
        Context({"referral": case, "user": people["coordinator"]})
    )
    assert reverse("deadlines:record_notification", args=[case.pk, "notify_national_panel"]) in html
    assert reverse("deadlines:record_notification", args=[case.pk, "report_to_partners"]) in html
    assert reverse("referrals:la_aware", args=[case.pk]) in html
    assert "notify_sos_ofsted" not in html
    member = Template("{% include 'deadlines/_case_deadlines.html' %}").render(
        Context({"referral": case, "user": people["member"]})
    )
    assert "record/" not in member and "waive" not in member


def test_case_partial_shows_waived_reason_and_met(people, case):
    deadline_waive(
        deadline=Deadline.objects.get(referral=case, rule__code="subgroup_decision"),
        by=people["chair"],
        reason="Neighbouring partnership leads",
    )
    html = Template("{% include 'deadlines/_case_deadlines.html' %}").render(
        Context({"referral": case, "user": people["author"]})
    )
    assert "Neighbouring partnership leads" in html
    assert ">Waived<" in html and ">Met<" in html


# --- calendar feed page ----------------------------------------------------------------


def test_calendar_feed_page_creates_shows_and_turns_off_the_address(client, people, case):
    client.force_login(people["author"])
    url = reverse("deadlines:calendar_feed")
    assert "Create my calendar address" in client.get(url).content.decode()
    client.post(url, {"replaces": ""})
    client.post(url, {"replaces": ""})  # a double click makes one address
    token = CalendarFeedToken.objects.active().get(user=people["author"])
    html = client.get(url).content.decode()
    assert f"https://cspr.example.org/deadlines/feed/{token.token}.ics" in html
    client.post(url, {"replaces": str(token.pk)})
    new = CalendarFeedToken.objects.active().get(user=people["author"])
    assert new.pk != token.pk
    assert client.get(reverse("deadlines:feed", args=[token.token])).status_code == 404
    assert client.get(reverse("deadlines:feed", args=[new.token])).status_code == 200
    client.post(reverse("deadlines:calendar_feed_revoke"))
    assert not CalendarFeedToken.objects.active().filter(user=people["author"]).exists()
    assert client.get(reverse("deadlines:feed", args=[new.token])).status_code == 404


def test_calendar_feed_page_is_not_for_administrators(client, people):
    client.force_login(people["administrator"])
    assert client.get(reverse("deadlines:calendar_feed")).status_code == 403


def test_mutating_views_refuse_get_changes(client, people):
    client.force_login(people["coordinator"])
    assert client.get(reverse("deadlines:calendar_feed_revoke")).status_code == 405
