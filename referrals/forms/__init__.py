"""The referrals app's forms: the referral's sections and rows, the draft's small forms,
and the forms of the case's first steps. Forms validate and lay out; they never act."""

from .case import CaseForm, DatedForm, TokenForm, agencies_field
from .criteria import CriteriaForm, SummaryForm
from .decision import CommunicationForm, DecisionForm, DuplicateForm, LaAwareForm, WithdrawForm
from .drafts import StartForm, WithdrawDraftForm
from .rows import FamilyMemberForm, InvolvedAgencyForm, OtherProcessForm, RowForm
from .sections import ALWAYS_REFER, ETHNIC_ORIGIN_FIELD_CHOICES, ChildForm, ReferrerForm, SectionForm

# Each section's form, and each repeating row's (the sections without a form of their own
# are their rows).
SECTION_FORMS = {
    "referrer": ReferrerForm,
    "child": ChildForm,
    "criteria": CriteriaForm,
    "summary": SummaryForm,
}
ROW_FORMS = {"family": FamilyMemberForm, "agency": InvolvedAgencyForm, "process": OtherProcessForm}

__all__ = [
    "ROW_FORMS",
    "SECTION_FORMS",
    "ALWAYS_REFER",
    "ETHNIC_ORIGIN_FIELD_CHOICES",
    "CaseForm",
    "ChildForm",
    "CommunicationForm",
    "CriteriaForm",
    "DatedForm",
    "DecisionForm",
    "DuplicateForm",
    "FamilyMemberForm",
    "InvolvedAgencyForm",
    "LaAwareForm",
    "OtherProcessForm",
    "ReferrerForm",
    "RowForm",
    "SectionForm",
    "StartForm",
    "SummaryForm",
    "TokenForm",
    "WithdrawDraftForm",
    "WithdrawForm",
    "agencies_field",
]
