"""What a person can do to a case after submission, as a table the case page, the action
pages and the admin buttons all read: each entry names its form, the service it calls
and when it is on offer. The services still check everything again under lock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django_fsm import has_transition_perm

from referrals import forms as referral_forms
from referrals import services as referral_services
from referrals.lifecycle.graph import edges
from referrals.lifecycle.moves import Move, transition_of
from referrals.lifecycle.states import CaseStatus
from referrals.permissions import can_drive_case

from . import forms, services
from .permissions import can_add_note

S = CaseStatus
M = Move


@dataclass(frozen=True)
class CaseAction:
    slug: str
    label: str
    heading: str
    form_class: type
    run: Callable
    success: str
    # A move: on offer when one of these transitions is open to the person now.
    transitions: tuple[Move, ...] = ()
    # A record that does not move the case: on offer in these states, to these people,
    # while `wanted` says there is something to record.
    states: tuple[str, ...] = ()
    permitted: Callable = can_drive_case
    wanted: Callable = lambda case: True  # noqa: E731
    # What must be recorded first, in words; the case page lists it instead of the button.
    blockers: Callable = lambda case: []  # noqa: E731
    # Facts shown above the form, for the decision being made.
    context_template: str = ""
    intro: str = ""
    warning: bool = False

    @property
    def moves_case(self) -> bool:
        return bool(self.transitions)

    def may(self, case, user) -> bool:
        """Whether this person's roles allow the action on this case at all (403 if not)."""
        if self.transitions:
            return any(edge.permission(case, user) for edge in edges() if edge.name in self.transitions)
        return bool(self.permitted(user, case))

    def available(self, case, user) -> bool:
        """Whether the case page offers it to this person now."""
        if self.transitions:
            return any(has_transition_perm(transition_of(case, move), user) for move in self.transitions)
        return case.status in self.states and self.permitted(user, case) and self.wanted(case)


def _decision(case):
    return getattr(case, "subgroup_decision", None)


def _local_review(case):
    return getattr(case, "local_review", None)


def _publication(case):
    return getattr(case, "publication", None)


def _with_answers(service):
    """Run `service` with the form's answers as its keyword arguments: each of these forms
    asks exactly what its service takes, under the same names."""

    def run(form, case, user):
        return service(referral=case, by=user, **form.cleaned_data)

    return run


def _run_decide(form, case, user):
    return referral_services.case_decide(
        referral=case, decision=form.decision(), organisations=form.cleaned_data["organisations"], by=user
    )


def _decision_uncommunicated(case) -> bool:
    decision = _decision(case)
    return decision is not None and (
        decision.family_informed_on is None or decision.referrer_informed_on is None
    )


def _not_informed(case) -> bool:
    local = _local_review(case)
    return local is not None and local.informed_on is None


def _not_sent(case) -> bool:
    publication = _publication(case)
    return publication is None or publication.sent_to_panel_sos_on is None


def _planned_not_sent(case) -> bool:
    publication = _publication(case)
    return publication is not None and publication.sent_to_panel_sos_on is None


def _publish_blockers(case) -> list[str]:
    publication = _publication(case)
    sent = "Record that the final report was sent to the National Panel and the Secretary of State"
    if publication is None:
        return ["Plan the publication date", sent]
    return [sent] if publication.sent_to_panel_sos_on is None else []


ACTIONS: dict[str, CaseAction] = {
    action.slug: action
    for action in [
        CaseAction(
            slug="decide",
            label="Record the subgroup decision",
            heading="Record the subgroup decision",
            form_class=referral_forms.DecisionForm,
            run=_run_decide,
            success="The subgroup decision has been recorded",
            transitions=(M.DECIDE_RAPID_REVIEW, M.DECIDE_NO_REVIEW, M.DECIDE_OTHER_LEARNING_REVIEW),
            context_template="rapidreview/_decision_context.html",
            intro="The subgroup decides within 5 working days of the incident whether to hold a rapid review "
            "and with which organisations, using the criteria below (procedure sections 6, 7 and 9).",
        ),
        CaseAction(
            slug="link-duplicate",
            label="Link to another case as a duplicate",
            heading="Link this referral to another case as a duplicate",
            form_class=referral_forms.DuplicateForm,
            run=_with_answers(referral_services.case_link_as_duplicate),
            success="The referral has been linked to the other case as a duplicate",
            transitions=(M.LINK_AS_DUPLICATE,),
            intro="Use this when two agencies have referred the same incident. This referral’s "
            "deadlines close "
            "as ‘duplicate’ and both case pages show the link; the other case carries on.",
        ),
        CaseAction(
            slug="withdraw",
            label="Withdraw the referral",
            heading="Withdraw the referral",
            form_class=referral_forms.WithdrawForm,
            run=_with_answers(referral_services.case_withdraw),
            success="The referral has been withdrawn",
            transitions=(M.WITHDRAW,),
            intro="A withdrawn referral is kept for the record, but the subgroup will not decide on "
            "it and its "
            "deadlines are waived. This cannot be undone.",
            warning=True,
        ),
        CaseAction(
            slug="record-communication",
            label="Record when the decision was communicated",
            heading="Record when the decision was communicated",
            form_class=referral_forms.CommunicationForm,
            run=_with_answers(referral_services.decision_record_communication),
            success="The dates have been saved",
            states=S.after_decision_states,
            wanted=_decision_uncommunicated,
            intro="Decisions are made transparently and their rationale communicated appropriately, "
            "including to "
            "families (procedure Appendix 3).",
        ),
        CaseAction(
            slug="start-rapid-review",
            label="Start the rapid review",
            heading="Start the rapid review",
            form_class=forms.RapidReviewStartForm,
            run=_with_answers(services.case_start_rapid_review),
            success="The rapid review has started",
            transitions=(M.START_RAPID_REVIEW,),
            intro="A rapid review starts within 5 working days of the decision to hold it, and is "
            "completed within "
            "15 working days of starting.",
        ),
        CaseAction(
            slug="complete-rapid-review",
            label="Complete the rapid review",
            heading="Complete the rapid review",
            form_class=forms.RapidReviewCompleteForm,
            run=_with_answers(services.case_complete_rapid_review),
            success="The rapid review has been completed",
            transitions=(M.COMPLETE_RAPID_REVIEW,),
            intro="Record what the rapid review found against its aims, and what it recommends next. The "
            "recommendation goes to the National Panel with the rapid review.",
        ),
        CaseAction(
            slug="send-to-panel",
            label="Record that the rapid review was sent to the National Panel",
            heading="Send the rapid review to the National Panel",
            form_class=forms.SendToPanelForm,
            run=_with_answers(services.case_send_to_panel),
            success="The rapid review has been recorded as sent to the National Panel",
            transitions=(M.SEND_TO_PANEL,),
            intro="As soon as the rapid review is complete, the safeguarding partners send a copy to "
            "the National "
            "Panel with their decision on a local or national review.",
        ),
        CaseAction(
            slug="commission-local-review",
            label="Commission a local review",
            heading="Commission a local child safeguarding practice review",
            form_class=forms.CommissionForm,
            run=_with_answers(services.case_commission_local_review),
            success="The local review has been commissioned",
            transitions=(M.COMMISSION_LOCAL_REVIEW,),
            context_template="rapidreview/_next_step_context.html",
            intro="The local authority service leader for quality assurance informs the National "
            "Panel, Ofsted "
            "and DfE as soon as a local review is decided, with the reviewer’s name. The review is completed "
            "within 6 months of the decision.",
        ),
        CaseAction(
            slug="national-review",
            label="Record a national review (the Panel leads)",
            heading="Record that the National Panel leads a national review",
            form_class=forms.NationalReviewForm,
            run=_with_answers(services.case_refer_to_national_review),
            success="The national review has been recorded",
            transitions=(M.REFER_TO_NATIONAL_REVIEW,),
            context_template="rapidreview/_next_step_context.html",
            intro="Use this when the National Panel will review the case because it raises issues "
            "that are complex "
            "or of national importance, including when new information comes to light during a local review.",
        ),
        CaseAction(
            slug="no-further-review",
            label="Record no further review",
            heading="Record that there will be no further review",
            form_class=forms.NoFurtherReviewForm,
            run=_with_answers(services.case_decide_no_further_review),
            success="The decision that there will be no further review has been recorded",
            transitions=(M.DECIDE_NO_FURTHER_REVIEW,),
            context_template="rapidreview/_next_step_context.html",
            intro="Use this when the safeguarding partners decide, after the rapid review, that neither "
            "a local nor a national review is needed. The rapid review’s learning is still shared with "
            "the agencies.",
        ),
        CaseAction(
            slug="record-informed",
            label="Record when the Panel, Ofsted and DfE were informed",
            heading="Record when the National Panel, Ofsted and DfE were informed",
            form_class=forms.InformedForm,
            run=_with_answers(services.local_review_record_informed),
            success="The date has been saved",
            states=S.local_review_states,
            wanted=_not_informed,
        ),
        CaseAction(
            slug="start-local-review",
            label="Start the local review",
            heading="Start the local review",
            form_class=forms.LocalReviewStartForm,
            run=_with_answers(services.case_start_local_review),
            success="The local review has started",
            transitions=(M.START_LOCAL_REVIEW,),
            intro="The review is proportionate, focuses on learning and reflects the child’s "
            "perspective and the "
            "family context (procedure section 10).",
        ),
        CaseAction(
            slug="log-involvement",
            label="Add to the involvement log",
            heading="Log practitioners’ or the family’s involvement",
            form_class=forms.InvolvementForm,
            run=_with_answers(services.involvement_record),
            success="The involvement has been logged",
            states=S.local_review_states,
            intro="Practitioners are fully involved and invited to contribute without fear of blame; "
            "families, "
            "including surviving children, are invited to contribute (procedure section 10).",
        ),
        CaseAction(
            slug="receive-final-report",
            label="Upload the final report",
            heading="Upload the final report",
            form_class=forms.FinalReportForm,
            run=_with_answers(services.case_receive_final_report),
            success="The final report has been uploaded",
            transitions=(M.RECEIVE_FINAL_REPORT,),
            intro="The report is stored securely and can be opened only by the subgroup and the coordinator. "
            "Each download is recorded.",
        ),
        CaseAction(
            slug="replace-final-report",
            label="Upload a revised final report",
            heading="Upload a revised final report",
            form_class=forms.FinalReportForm,
            run=_with_answers(services.final_report_replace),
            success="The revised final report has been uploaded",
            states=(S.FINAL_REPORT_RECEIVED,),
            intro="Earlier versions are kept. The newest version is the one that is sent and published.",
        ),
        CaseAction(
            slug="add-recommendation",
            label="Add a recommendation",
            heading="Add a recommendation from the final report",
            form_class=forms.RecommendationForm,
            run=_with_answers(services.recommendation_add),
            success="The recommendation has been added and the agencies’ safeguarding leads told",
            states=S.recommendation_states,
        ),
        CaseAction(
            slug="plan-publication",
            label="Plan the publication date",
            heading="Plan the publication date",
            form_class=forms.PublicationPlanForm,
            run=_with_answers(services.publication_plan),
            success="The planned publication date has been saved",
            states=(S.FINAL_REPORT_RECEIVED,),
            wanted=_not_sent,
            intro="The partners publish the report unless they consider it inappropriate; then they "
            "publish what "
            "they consider appropriate about the improvements to be made (procedure section 11).",
        ),
        CaseAction(
            slug="report-sent",
            label="Record that the report was sent to the Panel and the Secretary of State",
            heading="Record that the final report was sent to the National Panel and the Secretary of State",
            form_class=forms.ReportSentForm,
            run=_with_answers(services.final_report_send),
            success="The date has been saved",
            states=(S.FINAL_REPORT_RECEIVED,),
            wanted=_planned_not_sent,
        ),
        CaseAction(
            slug="publish",
            label="Record the publication",
            heading="Record the publication",
            form_class=forms.PublishForm,
            run=_with_answers(services.case_publish),
            success="The publication has been recorded",
            transitions=(M.PUBLISH_REPORT, M.PUBLISH_IMPROVEMENTS_ONLY),
            blockers=_publish_blockers,
        ),
        CaseAction(
            slug="add-note",
            label="Add a note",
            heading="Add a note to the case",
            form_class=forms.NoteForm,
            run=_with_answers(services.case_note_add),
            success="Your note has been added",
            states=S.note_states,
            permitted=can_add_note,
        ),
        CaseAction(
            slug="close",
            label="Close the case",
            heading="Close the case",
            form_class=forms.CloseForm,
            run=_with_answers(services.case_close),
            success="The case has been closed",
            transitions=(M.CLOSE,),
            blockers=services.close_blockers,
            context_template="rapidreview/_close_context.html",
            intro="Close the case when nothing more is owed on it. A closed case stays on record and "
            "can still be "
            "read.",
        ),
    ]
}


def actions_for(case, user) -> list[CaseAction]:
    """The actions the case page offers this person now, in the table's order."""
    return [action for action in ACTIONS.values() if action.available(case, user)]
