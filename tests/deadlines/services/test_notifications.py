"""Statutory notifications recorded (deadlines.services.notifications): each meets its
deadline, once, with the details it needs, recorded only by those who may."""

from datetime import date

import pytest

from cspr.audit.models import AuditEvent
from deadlines.models import Deadline, StatutoryNotification
from deadlines.services import DeadlineError, statutory_notification_record
from referrals.lifecycle.states import CaseStatus

from ..factories import MON_2_MAR, at, deadline, submitted_case

pytestmark = pytest.mark.django_db


def test_national_panel_notification_meets_its_deadline(case, coordinator):
    record = statutory_notification_record(
        referral=case,
        kind="notify_national_panel",
        notified_on=date(2026, 3, 5),
        reference="SIN-2026-0042",
        by=coordinator,
        now=at(date(2026, 3, 6), 10),
    )
    assert (record.kind, record.notified_on, record.reference) == (
        "notify_national_panel",
        date(2026, 3, 5),
        "SIN-2026-0042",
    )
    met = deadline(case, "notify_national_panel")
    assert (met.status, met.met_at) == (Deadline.Status.MET, at(date(2026, 3, 5), 23, 59).replace(second=59))
    assert AuditEvent.objects.for_object(case).filter(action="statutory_notification.recorded").count() == 1


def test_notification_recorded_late_marks_the_deadline_missed(case, coordinator):
    statutory_notification_record(
        referral=case,
        kind="report_to_partners",
        notified_on=date(2026, 3, 10),
        by=coordinator,
        now=at(date(2026, 3, 10), 10),
    )
    late = deadline(case, "report_to_partners")
    assert (late.status, late.met_at) == (Deadline.Status.MISSED, at(date(2026, 3, 10), 10))


def test_sos_and_ofsted_notification_meets_its_deadline(case, coordinator):
    statutory_notification_record(
        referral=case,
        kind="notify_sos_ofsted",
        notified_on=date(2026, 3, 3),
        by=coordinator,
        now=at(date(2026, 3, 3), 12),
    )
    assert deadline(case, "notify_sos_ofsted").status == Deadline.Status.MET


def test_sos_and_ofsted_notification_only_for_a_looked_after_childs_death(practitioner, coordinator):
    other = submitted_case(author=practitioner, submitted_at=MON_2_MAR)
    with pytest.raises(DeadlineError, match="only of the death of a looked-after child"):
        statutory_notification_record(
            referral=other,
            kind="notify_sos_ofsted",
            notified_on=date(2026, 3, 3),
            by=coordinator,
            now=at(date(2026, 3, 3)),
        )


def test_national_panel_notification_needs_its_reference(case, coordinator):
    with pytest.raises(DeadlineError) as error:
        statutory_notification_record(
            referral=case,
            kind="notify_national_panel",
            notified_on=date(2026, 3, 3),
            by=coordinator,
            now=at(date(2026, 3, 3)),
        )
    assert error.value.field == "reference"
    assert not StatutoryNotification.objects.exists()


def test_notification_date_cannot_be_in_the_future(case, coordinator):
    with pytest.raises(DeadlineError, match="today or in the past"):
        statutory_notification_record(
            referral=case,
            kind="report_to_partners",
            notified_on=date(2026, 3, 4),
            by=coordinator,
            now=at(date(2026, 3, 3)),
        )


def test_notification_recorded_twice_makes_one_record_and_different_details_are_refused(case, coordinator):
    kwargs = dict(referral=case, kind="report_to_partners", notified_on=date(2026, 3, 3), by=coordinator)
    first = statutory_notification_record(**kwargs, now=at(date(2026, 3, 3)))
    again = statutory_notification_record(**kwargs, now=at(date(2026, 3, 3)))
    assert again.pk == first.pk
    with pytest.raises(DeadlineError, match="already recorded"):
        statutory_notification_record(**{**kwargs, "notified_on": date(2026, 3, 2)}, now=at(date(2026, 3, 3)))
    assert StatutoryNotification.objects.count() == 1
    assert AuditEvent.objects.filter(action="statutory_notification.recorded").count() == 1


def test_notification_refused_to_practitioners(case, practitioner):
    with pytest.raises(DeadlineError, match="Only the partnership coordinator"):
        statutory_notification_record(
            referral=case,
            kind="report_to_partners",
            notified_on=date(2026, 3, 3),
            by=practitioner,
            now=at(date(2026, 3, 3)),
        )


def test_notification_refused_for_a_withdrawn_case(practitioner, coordinator):
    withdrawn = submitted_case(author=practitioner, submitted_at=MON_2_MAR, status=CaseStatus.WITHDRAWN)
    with pytest.raises(DeadlineError, match="only for a submitted case"):
        statutory_notification_record(
            referral=withdrawn,
            kind="report_to_partners",
            notified_on=date(2026, 3, 3),
            by=coordinator,
            now=at(date(2026, 3, 3)),
        )
