"""The case's transitions, on Referral's `status`: the author's submit and withdraw of a
draft, and every move after submission (procedure §9–§11).

Each transition only says which state it leaves and enters and who may make it; it has
no side effects. The services make the moves (referrals.services and rapidreview.services,
through lifecycle.kernel): they lock the case, check the preconditions, write the
content, call the transition, log and notify.

`custom["label"]` names the move in the diagram (docs/case-lifecycle.svg); `custom["verb"]`
says it as a sentence needs it in a refusal.
"""

from django_fsm import transition

from referrals import permissions

from .states import CaseStatus

S = CaseStatus


class TransitionPermission:
    """A `can_<verb>(user, case)` predicate in the shape django-fsm calls, (case, user),
    keeping the predicate and its refusal sentence for the refusals and the diagram."""

    def __init__(self, predicate):
        self.predicate = predicate
        self.refusal = predicate.refusal

    def __call__(self, instance, user) -> bool:
        return bool(self.predicate(user, instance))


AUTHOR_SUBMITS = TransitionPermission(permissions.can_submit)
AUTHOR_WITHDRAWS = TransitionPermission(permissions.can_withdraw_draft)
CHAIR_DECIDES = TransitionPermission(permissions.can_record_decision)
CHAIR_OR_COORDINATOR = TransitionPermission(permissions.can_drive_case)


class CaseLifecycleMixin:
    """The case's transitions, on the `status` field of Referral."""

    # --- the author's draft ---

    @transition(
        field="status",
        source=S.DRAFT,
        target=S.SUBMITTED,
        permission=AUTHOR_SUBMITS,
        custom={"label": "submit", "verb": "submit the referral"},
    )
    def submit(self):
        """The author sends the completed form to the partnership."""

    @transition(
        field="status",
        source=S.DRAFT,
        target=S.WITHDRAWN,
        permission=AUTHOR_WITHDRAWS,
        custom={"label": "withdraw draft", "verb": "withdraw the draft"},
    )
    def withdraw_draft(self):
        """The author abandons a draft they will not submit."""

    # --- the subgroup decision (§9: within 5 working days of the incident) ---

    @transition(
        field="status",
        source=S.SUBMITTED,
        target=S.RAPID_REVIEW_AGREED,
        permission=CHAIR_DECIDES,
        custom={"label": "rapid review", "verb": "record the subgroup decision"},
    )
    def decide_rapid_review(self):
        """The subgroup decides to hold a rapid review."""

    @transition(
        field="status",
        source=S.SUBMITTED,
        target=S.NO_REVIEW,
        permission=CHAIR_DECIDES,
        custom={"label": "no review", "verb": "record the subgroup decision"},
    )
    def decide_no_review(self):
        """The subgroup decides that no review is needed."""

    @transition(
        field="status",
        source=S.SUBMITTED,
        target=S.OTHER_LEARNING_REVIEW,
        permission=CHAIR_DECIDES,
        custom={"label": "other learning review", "verb": "record the subgroup decision"},
    )
    def decide_other_learning_review(self):
        """The subgroup decides on a single- or multi-agency learning review instead."""

    @transition(
        field="status",
        source=S.SUBMITTED,
        target=S.WITHDRAWN,
        permission=CHAIR_OR_COORDINATOR,
        custom={"label": "withdraw", "verb": "withdraw the referral"},
    )
    def withdraw(self):
        """The partnership withdraws a submitted referral before the decision."""

    @transition(
        field="status",
        source=S.SUBMITTED,
        target=S.DUPLICATE,
        permission=CHAIR_OR_COORDINATOR,
        custom={"label": "link as duplicate", "verb": "link the referral to another case"},
    )
    def link_as_duplicate(self):
        """The referral is about an incident another case already covers."""

    # --- the rapid review (§9: start within 5 working days, complete within 15) ---

    @transition(
        field="status",
        source=S.RAPID_REVIEW_AGREED,
        target=S.RAPID_REVIEW_IN_PROGRESS,
        permission=CHAIR_OR_COORDINATOR,
        custom={"label": "start rapid review", "verb": "start the rapid review"},
    )
    def start_rapid_review(self):
        """The rapid review starts."""

    @transition(
        field="status",
        source=S.RAPID_REVIEW_IN_PROGRESS,
        target=S.RAPID_REVIEW_COMPLETE,
        permission=CHAIR_OR_COORDINATOR,
        custom={"label": "complete rapid review", "verb": "complete the rapid review"},
    )
    def complete_rapid_review(self):
        """The rapid review is completed, with its recommendation."""

    @transition(
        field="status",
        source=S.RAPID_REVIEW_COMPLETE,
        target=S.SENT_TO_PANEL,
        permission=CHAIR_OR_COORDINATOR,
        custom={"label": "send to National Panel", "verb": "send the rapid review to the National Panel"},
    )
    def send_to_panel(self):
        """The rapid review goes to the National Panel."""

    # --- the next step, after the Panel has the rapid review ---

    @transition(
        field="status",
        source=S.SENT_TO_PANEL,
        target=S.LCSPR_COMMISSIONED,
        permission=CHAIR_OR_COORDINATOR,
        custom={"label": "commission local review", "verb": "commission a local review"},
    )
    def commission_local_review(self):
        """The partners commission a local child safeguarding practice review."""

    @transition(
        field="status",
        # From a local review too: new information may show a national review is
        # appropriate (§9, last paragraph but one).
        source=[S.SENT_TO_PANEL, S.LCSPR_COMMISSIONED, S.LCSPR_IN_PROGRESS],
        target=S.NATIONAL_REVIEW,
        permission=CHAIR_OR_COORDINATOR,
        custom={"label": "national review", "verb": "record that the National Panel leads a national review"},
    )
    def refer_to_national_review(self):
        """The National Panel leads a national review."""

    @transition(
        field="status",
        source=S.SENT_TO_PANEL,
        target=S.NO_FURTHER_REVIEW,
        permission=CHAIR_OR_COORDINATOR,
        custom={"label": "no further review", "verb": "record that there will be no further review"},
    )
    def decide_no_further_review(self):
        """Neither a local nor a national review follows the rapid review."""

    # --- the local review (§10) and its final report (§11) ---

    @transition(
        field="status",
        source=S.LCSPR_COMMISSIONED,
        target=S.LCSPR_IN_PROGRESS,
        permission=CHAIR_OR_COORDINATOR,
        custom={"label": "start local review", "verb": "start the local review"},
    )
    def start_local_review(self):
        """The commissioned local review starts."""

    @transition(
        field="status",
        source=S.LCSPR_IN_PROGRESS,
        target=S.FINAL_REPORT_RECEIVED,
        permission=CHAIR_OR_COORDINATOR,
        custom={"label": "receive final report", "verb": "record the final report"},
    )
    def receive_final_report(self):
        """The local review's final report arrives."""

    @transition(
        field="status",
        source=S.FINAL_REPORT_RECEIVED,
        target=S.PUBLISHED,
        permission=CHAIR_OR_COORDINATOR,
        custom={"label": "publish report", "verb": "record the publication"},
    )
    def publish_report(self):
        """The final report is published."""

    @transition(
        field="status",
        source=S.FINAL_REPORT_RECEIVED,
        target=S.IMPROVEMENTS_PUBLISHED,
        permission=CHAIR_OR_COORDINATOR,
        custom={"label": "publish improvements only", "verb": "record the publication"},
    )
    def publish_improvements_only(self):
        """Only the improvements to be made are published."""

    @transition(
        field="status",
        source=list(S.closable_states),
        target=S.CLOSED,
        permission=CHAIR_OR_COORDINATOR,
        custom={"label": "close", "verb": "close the case"},
    )
    def close(self):
        """Nothing more is owed on the case."""
