"""The case's transitions after submission (procedure §9–§11), on Referral's `status`.

Each transition only says which state it leaves and enters and who may make it; it has
no side effects. referrals.lifecycle_services makes the moves: it locks the case,
checks the preconditions, writes the content, calls the transition, logs and notifies.

`custom["label"]` names the move in the diagram (docs/case-lifecycle.svg); `custom["verb"]`
says it as a sentence needs it in a refusal.
"""

from django_fsm import transition

from cspr.accounts.roles import Role

from .states import CaseStatus

S = CaseStatus


def may_record_decision(instance, user) -> bool:
    """The subgroup decision is the chair's alone (procedure §9)."""
    return bool(getattr(user, "is_authenticated", False) and user.has_role(Role.CHAIR))


def may_drive_case(instance, user) -> bool:
    """Every other step: the chair, the coordinator, or an administrator in admin."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.has_role(Role.CHAIR, Role.COORDINATOR):
        return True
    return bool(user.is_staff and user.has_role(Role.ADMINISTRATOR))


may_record_decision.refusal = "Only the subgroup chair can record the subgroup decision"
may_drive_case.refusal = "Only the subgroup chair or the partnership coordinator can do this"

# The states in which the case's route has ended; closing records that nothing remains.
CLOSABLE = [
    S.NO_REVIEW,
    S.OTHER_LEARNING_REVIEW,
    S.NATIONAL_REVIEW,
    S.NO_FURTHER_REVIEW,
    S.PUBLISHED,
    S.IMPROVEMENTS_PUBLISHED,
]


class CaseLifecycleMixin:
    """The case's transitions after submission, on the `status` field of Referral."""

    # --- the subgroup decision (§9: within 5 working days of the incident) ---

    @transition(
        field="status",
        source=S.SUBMITTED,
        target=S.RAPID_REVIEW_AGREED,
        permission=may_record_decision,
        custom={"label": "rapid review", "verb": "record the subgroup decision"},
    )
    def decide_rapid_review(self):
        pass

    @transition(
        field="status",
        source=S.SUBMITTED,
        target=S.NO_REVIEW,
        permission=may_record_decision,
        custom={"label": "no review", "verb": "record the subgroup decision"},
    )
    def decide_no_review(self):
        pass

    @transition(
        field="status",
        source=S.SUBMITTED,
        target=S.OTHER_LEARNING_REVIEW,
        permission=may_record_decision,
        custom={"label": "other learning review", "verb": "record the subgroup decision"},
    )
    def decide_other_learning_review(self):
        pass

    @transition(
        field="status",
        source=S.SUBMITTED,
        target=S.WITHDRAWN,
        permission=may_drive_case,
        custom={"label": "withdraw", "verb": "withdraw the referral"},
    )
    def withdraw(self):
        pass

    @transition(
        field="status",
        source=S.SUBMITTED,
        target=S.DUPLICATE,
        permission=may_drive_case,
        custom={"label": "link as duplicate", "verb": "link the referral to another case"},
    )
    def link_as_duplicate(self):
        pass

    # --- the rapid review (§9: start within 5 working days, complete within 15) ---

    @transition(
        field="status",
        source=S.RAPID_REVIEW_AGREED,
        target=S.RAPID_REVIEW_IN_PROGRESS,
        permission=may_drive_case,
        custom={"label": "start rapid review", "verb": "start the rapid review"},
    )
    def start_rapid_review(self):
        pass

    @transition(
        field="status",
        source=S.RAPID_REVIEW_IN_PROGRESS,
        target=S.RAPID_REVIEW_COMPLETE,
        permission=may_drive_case,
        custom={"label": "complete rapid review", "verb": "complete the rapid review"},
    )
    def complete_rapid_review(self):
        pass

    @transition(
        field="status",
        source=S.RAPID_REVIEW_COMPLETE,
        target=S.SENT_TO_PANEL,
        permission=may_drive_case,
        custom={"label": "send to National Panel", "verb": "send the rapid review to the National Panel"},
    )
    def send_to_panel(self):
        pass

    # --- the next step, after the Panel has the rapid review ---

    @transition(
        field="status",
        source=S.SENT_TO_PANEL,
        target=S.LCSPR_COMMISSIONED,
        permission=may_drive_case,
        custom={"label": "commission local review", "verb": "commission a local review"},
    )
    def commission_local_review(self):
        pass

    @transition(
        field="status",
        # From a local review too: new information may show a national review is
        # appropriate (§9, last paragraph but one).
        source=[S.SENT_TO_PANEL, S.LCSPR_COMMISSIONED, S.LCSPR_IN_PROGRESS],
        target=S.NATIONAL_REVIEW,
        permission=may_drive_case,
        custom={"label": "national review", "verb": "record that the National Panel leads a national review"},
    )
    def refer_to_national_review(self):
        pass

    @transition(
        field="status",
        source=S.SENT_TO_PANEL,
        target=S.NO_FURTHER_REVIEW,
        permission=may_drive_case,
        custom={"label": "no further review", "verb": "record that there will be no further review"},
    )
    def decide_no_further_review(self):
        pass

    # --- the local review (§10) and its final report (§11) ---

    @transition(
        field="status",
        source=S.LCSPR_COMMISSIONED,
        target=S.LCSPR_IN_PROGRESS,
        permission=may_drive_case,
        custom={"label": "start local review", "verb": "start the local review"},
    )
    def start_local_review(self):
        pass

    @transition(
        field="status",
        source=S.LCSPR_IN_PROGRESS,
        target=S.FINAL_REPORT_RECEIVED,
        permission=may_drive_case,
        custom={"label": "receive final report", "verb": "record the final report"},
    )
    def receive_final_report(self):
        pass

    @transition(
        field="status",
        source=S.FINAL_REPORT_RECEIVED,
        target=S.PUBLISHED,
        permission=may_drive_case,
        custom={"label": "publish report", "verb": "record the publication"},
    )
    def publish_report(self):
        pass

    @transition(
        field="status",
        source=S.FINAL_REPORT_RECEIVED,
        target=S.IMPROVEMENTS_PUBLISHED,
        permission=may_drive_case,
        custom={"label": "publish improvements only", "verb": "record the publication"},
    )
    def publish_improvements_only(self):
        pass

    @transition(
        field="status",
        source=CLOSABLE,
        target=S.CLOSED,
        permission=may_drive_case,
        custom={"label": "close", "verb": "close the case"},
    )
    def close(self):
        pass
