"""The review's records written directly, and a case put straight into any state with the
rows that state implies: for tests that only read (selectors, the case panel, pages).
Tests about the moves walk the case through the services instead (helpers.py)."""

import hashlib
import uuid

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from rapidreview.models import FinalReport, LocalReview, Publication, RapidReview
from referrals.lifecycle.states import CaseStatus

from ..referrals import factories as referral_factories
from .helpers import complete_findings, pdf_bytes

S = CaseStatus

# Which of the review's records each state implies (as the shortest route there leaves them).
_NEXT_STEP = {S.SENT_TO_PANEL, S.NATIONAL_REVIEW, S.NO_FURTHER_REVIEW}
_LOCAL_REVIEW = {S.LCSPR_COMMISSIONED}
_LOCAL_REVIEW_STARTED = {S.LCSPR_IN_PROGRESS}
_REPORTED = {S.FINAL_REPORT_RECEIVED}
_PUBLISHED = {S.PUBLISHED, S.IMPROVEMENTS_PUBLISHED}
REPORTED_STATES = _REPORTED | _PUBLISHED
LOCAL_REVIEW_STARTED_STATES = _LOCAL_REVIEW_STARTED | REPORTED_STATES
LOCAL_REVIEW_STATES = _LOCAL_REVIEW | LOCAL_REVIEW_STARTED_STATES
SENT_STATES = _NEXT_STEP | LOCAL_REVIEW_STATES
COMPLETED_STATES = {S.RAPID_REVIEW_COMPLETE} | SENT_STATES
RAPID_REVIEW_STATES = {S.RAPID_REVIEW_IN_PROGRESS} | COMPLETED_STATES


def _today():
    return timezone.localdate()


class RapidReviewFactory(DjangoModelFactory):
    """A rapid review started today, with the referral's agency taking part. Traits:
    `completed=True` (the four aims and a recommendation of a local review, as
    helpers.complete_findings gives them), `sent=True` (completed and sent to the Panel)."""

    class Meta:
        model = RapidReview
        skip_postgeneration_save = True

    referral = factory.SubFactory(referral_factories.ReferralFactory, submitted=True)
    started_on = factory.LazyFunction(_today)
    started_by = factory.SelfAttribute("referral.created_by")

    class Params:
        completed = factory.Trait(
            completed_on=factory.LazyFunction(_today),
            completed_by=factory.SelfAttribute("started_by"),
            **{name: value for name, value in complete_findings().items() if name != "completed_on"},
        )
        sent = factory.Trait(
            completed=True,
            sent_to_panel_on=factory.LazyFunction(_today),
            sent_by=factory.SelfAttribute("started_by"),
        )

    @factory.post_generation
    def organisations(self, create, extracted, **kwargs):
        if create:
            self.organisations.set(extracted if extracted is not None else [self.referral.agency])


class LocalReviewFactory(DjangoModelFactory):
    """A local review commissioned today. Trait: `started=True`."""

    class Meta:
        model = LocalReview

    referral = factory.SubFactory(referral_factories.ReferralFactory, submitted=True)
    decided_on = factory.LazyFunction(_today)
    reviewer_name = "Sam Reviewer"
    reviewer_organisation = "Independent Reviews Ltd"
    commissioned_on = factory.LazyFunction(_today)
    commissioned_by = factory.SelfAttribute("referral.created_by")

    class Params:
        started = factory.Trait(
            started_on=factory.LazyFunction(_today),
            methodology="Systems methodology with practitioner events",
        )


class FinalReportFactory(DjangoModelFactory):
    """A PDF final report received today."""

    class Meta:
        model = FinalReport

    referral = factory.SubFactory(referral_factories.ReferralFactory, submitted=True)
    file = factory.django.FileField(data=pdf_bytes(), filename="report.pdf")
    kind = "pdf"
    original_name = "final-report.pdf"
    size = len(pdf_bytes())
    sha256 = hashlib.sha256(pdf_bytes()).hexdigest()
    received_on = factory.LazyFunction(_today)
    uploaded_by = factory.SelfAttribute("referral.created_by")
    uploaded_at = factory.LazyFunction(timezone.now)
    token = factory.LazyFunction(uuid.uuid4)


class PublicationFactory(DjangoModelFactory):
    """A publication planned for today and the report sent to the Panel and the Secretary
    of State. Traits: `published=True` (the full report), `improvements_only=True`."""

    class Meta:
        model = Publication

    referral = factory.SubFactory(referral_factories.ReferralFactory, submitted=True)
    planned_on = factory.LazyFunction(_today)
    sent_to_panel_sos_on = factory.LazyFunction(_today)

    class Params:
        published = factory.Trait(
            full_report_published=True,
            published_on=factory.LazyFunction(_today),
            where_published="https://example.org/cspr",
        )
        improvements_only = factory.Trait(
            full_report_published=False,
            published_on=factory.LazyFunction(_today),
            where_published="https://example.org/cspr",
            not_published_rationale="Publishing would identify a surviving sibling.",
            improvements_summary="Summary of the improvements for agencies.",
        )


def write_review(case, *, by) -> None:
    """The review's records a case in its state has, written directly."""
    state = case.status
    if state in RAPID_REVIEW_STATES:
        RapidReviewFactory(
            referral=case, started_by=by, completed=state in COMPLETED_STATES, sent=state in SENT_STATES
        )
    if state in LOCAL_REVIEW_STATES:
        LocalReviewFactory(referral=case, commissioned_by=by, started=state in LOCAL_REVIEW_STARTED_STATES)
    if state in REPORTED_STATES:
        FinalReportFactory(referral=case, uploaded_by=by)
    if state in _PUBLISHED:
        PublicationFactory(
            referral=case, published=state == S.PUBLISHED, improvements_only=state == S.IMPROVEMENTS_PUBLISHED
        )


class CaseFactory(referral_factories.CaseFactory):
    """A case put straight into any `status` with the rows its state implies: the subgroup
    decision, the rapid review, the local review, the final report, the publication. No
    service runs: no transition row, deadline, audit event or email. `by` is who recorded
    them (default: the author). A case of a state after the final report has no
    publication planned until it is published; add a PublicationFactory where a test needs
    one."""

    @factory.post_generation
    def by(self, create, extracted, **kwargs):
        if create:
            recorder = extracted or self.created_by
            referral_factories.write_decision(self, by=recorder)
            write_review(self, by=recorder)
