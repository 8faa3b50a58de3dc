"""Every change to a referral and to a case before the rapid review, one function per
action: the draft and its submission, the subgroup decision, withdrawing and linking
duplicates, the local authority's awareness date; and the notification helpers every
lifecycle service shares."""

from .case_deadlines import case_date_record, deadline_met_on, deadlines_waive_open
from .decision import (
    CRITERIA_FIELDS,
    DECISION_TRANSITIONS,
    case_decide,
    decision_problems,
    decision_record_communication,
)
from .drafting import (
    READ_ONLY_MESSAGE,
    ROW_FIELDS,
    ROW_MODELS,
    SECTION_ROWS,
    SUBMISSION_CONTACT_ROLES,
    ReferralAlreadySubmitted,
    ReferralError,
    referral_create,
    referral_save_section,
    referral_submit,
    referral_withdraw_draft,
)
from .la_aware import referral_record_la_aware
from .notify import WITH_QA, CaseNotice, agency_leads, case_link_path, case_tell, referrer_recipient
from .triage import case_link_as_duplicate, case_withdraw

__all__ = [
    "CRITERIA_FIELDS",
    "WITH_QA",
    "CaseNotice",
    "DECISION_TRANSITIONS",
    "READ_ONLY_MESSAGE",
    "ROW_FIELDS",
    "ROW_MODELS",
    "SECTION_ROWS",
    "SUBMISSION_CONTACT_ROLES",
    "ReferralAlreadySubmitted",
    "ReferralError",
    "agency_leads",
    "case_date_record",
    "case_decide",
    "case_link_as_duplicate",
    "case_link_path",
    "case_tell",
    "case_withdraw",
    "deadline_met_on",
    "deadlines_waive_open",
    "decision_problems",
    "decision_record_communication",
    "referral_create",
    "referral_record_la_aware",
    "referral_save_section",
    "referral_submit",
    "referral_withdraw_draft",
    "referrer_recipient",
]
