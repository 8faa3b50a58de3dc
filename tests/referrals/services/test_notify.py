"""Who is told of a case's move, and what (referrals.services.notify): queued after the
commit, the referrer told the outcome but not the subgroup's work."""

import pytest

from cspr.accounts.roles import Role
from cspr.notifications.models import ContactRole, Notification
from cspr.notifications.services import notification_render
from referrals.lifecycle.states import CaseStatus

from ..helpers import decide, recipients, submitted_case

pytestmark = pytest.mark.django_db

S = CaseStatus


def test_case_notify_queues_delivery_after_commit(
    case, chair, django_capture_on_commit_callbacks, queued_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        decide(case, chair)

    ids = set(
        Notification.objects.filter(case_reference=case.reference, event="case-decided").values_list(
            "pk", flat=True
        )
    )
    delivered = {
        kwargs["notification_id"] for name, _args, kwargs in queued_tasks if name.endswith("deliver_task")
    }
    assert ids and ids <= delivered


def test_referrer_is_told_what_happened_but_not_given_the_subgroups_work(case, chair):
    decide(case, chair)

    mine = Notification.objects.get(
        case_reference=case.reference, event="case-decided", recipient_email=case.created_by.email
    )
    coordinators = Notification.objects.get(
        case_reference=case.reference,
        event="case-decided",
        recipient_email=f"{ContactRole.COORDINATOR}@example.org",
    )
    assert "action_label" not in mine.context and "due_date" not in mine.context
    assert coordinators.context["action_label"] == "start the rapid review"
    _subject, body = notification_render(mine)
    assert "What is needed" not in body
    assert "subgroup decision: hold a rapid review" in body


def test_referrer_without_an_account_address_is_told_at_the_forms_address(chair, make_user, contacts):
    author = make_user(Role.PRACTITIONER, username="noaddress", email="")
    case = submitted_case(author=author, referrer_email="referrer.on.form@example.org")

    decide(case, chair)

    assert "referrer.on.form@example.org" in recipients(case, "case-decided")
