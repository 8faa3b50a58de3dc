"""No child or family detail leaves the case pages: not in a URL, a log line, the audit
trail, or an email as it is actually sent.

A whole referral is made through the pages with distinctive values, submitted, read and
downloaded; then the outbox is delivered to the test mail backend and everything that
was written outside the case data is searched for those values.
"""

import logging
import uuid

import pytest
from django.core import mail
from django.urls import reverse

from cspr.accounts.roles import Role
from cspr.audit.models import AuditEvent
from cspr.notifications.models import ContactRole, Notification
from cspr.notifications.services import notification_deliver
from referrals.lifecycle.states import CaseStatus
from referrals.models import Referral

from ..factories import ContactFactory
from .test_views import criteria_data, referrer_data, rows_data

pytestmark = pytest.mark.django_db

CHILD = "Zephyrine Quillfeather"
CARER = "Hortensia Quillfeather"
ADDRESS = "27 Sample Crescent, Exampleton, EX9 9ZZ"
RELATIVE = "Bartholomew Quillfeather"
SUMMARY = "Zephyrine was taken to hospital by ambulance with injuries nobody could explain."
HARM = "Bilateral retinal haemorrhages"
SECRETS = [
    CHILD,
    "Zephyrine",
    "Quillfeather",
    CARER,
    ADDRESS,
    "Sample Crescent",
    "EX9 9ZZ",
    RELATIVE,
    SUMMARY,
    HARM,
    "Dunmore Lane Nursery",
    "2017",  # the child's year of birth
]


def child_values():
    return {
        "child_name": CHILD,
        "child_date_of_birth_0": "9",
        "child_date_of_birth_1": "11",
        "child_date_of_birth_2": "2017",
        "child_address": ADDRESS,
        "carer": CARER,
        "incident_date_0": "1",
        "incident_date_1": "3",
        "incident_date_2": "2026",
        "incident_location": "Dunmore Lane Nursery",
        "child_ethnic_origin": "not_declared",
        "child_protection_plan": "yes",
        "action": "continue",
    }


def test_child_and_family_details_stay_out_of_urls_logs_audit_and_emails(client, make_user, agency, caplog):
    for role in (ContactRole.COORDINATOR, ContactRole.POLICE_REVIEW_TEAM, ContactRole.LA_DIRECTOR):
        ContactFactory(role=role, agency=agency)
    author = make_user(Role.PRACTITIONER)
    chair = make_user(Role.CHAIR)
    caplog.set_level(logging.DEBUG)
    client.force_login(author)
    urls = []

    def visit(response):
        urls.append(response.request["PATH_INFO"] + "?" + response.request.get("QUERY_STRING", ""))
        if response.status_code == 302:
            urls.append(response["Location"])
        return response

    visit(client.post(reverse("referrals:create"), {"start_token": str(uuid.uuid4())}))
    referral = Referral.objects.get(created_by=author)

    def section(name, data):
        return visit(client.post(reverse("referrals:edit", args=[referral.pk, name]), data))

    section("referrer", referrer_data(agency))
    # A mistake first, so a page with errors is part of what is checked.
    section("child", {**child_values(), "child_date_of_birth_2": "2099"})
    section("child", child_values())
    family = [{"name": RELATIVE, "relationship": "Father", "address": ADDRESS}]
    section("family", rows_data("family", family, action="add-family"))
    section("family", rows_data("family", family, action="continue"))
    section("criteria", criteria_data(seriously_harmed="True", harm_description=HARM))
    section("summary", {"summary_of_events": SUMMARY, "action": "continue"})
    section("others", {**rows_data("agency", []), **rows_data("process", []), "action": "continue"})
    visit(client.get(reverse("referrals:check", args=[referral.pk])))
    visit(client.post(reverse("referrals:submit", args=[referral.pk])))
    visit(client.get(reverse("referrals:confirmation", args=[referral.pk])))
    client.force_login(chair)
    visit(client.get(reverse("referrals:list")))
    visit(client.get(reverse("referrals:detail", args=[referral.pk])))
    visit(client.get(reverse("referrals:pdf", args=[referral.pk])))
    for notification in Notification.objects.all():
        notification_deliver(notification_id=notification.pk)

    referral.refresh_from_db()
    assert referral.status == CaseStatus.SUBMITTED
    assert referral.child_name == CHILD and referral.harm_description == HARM  # the values were saved
    assert len(mail.outbox) == 4  # three contacts and the referrer
    written = {
        "urls": "\n".join(urls),
        "logs": caplog.text,
        "audit": "\n".join(
            f"{e.action} {e.object_label} {e.summary}" for e in AuditEvent.objects.for_object(referral)
        ),
        "emails": "\n".join(f"{m.subject}\n{m.body}\n{m.to}" for m in mail.outbox),
        "outbox": "\n".join(f"{n.case_reference} {n.context}" for n in Notification.objects.all()),
    }
    leaks = {where: [s for s in SECRETS if s in text] for where, text in written.items()}
    assert leaks == {where: [] for where in written}
    assert referral.reference in written["emails"]
