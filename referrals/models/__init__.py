"""The referrals app's models: the Appendix 2 form and the case it becomes, the subgroup
decision, and the case's transition log."""

from .decision import SubgroupDecision
from .form import (
    ETHNIC_ORIGIN_CHOICES,
    ETHNIC_ORIGIN_LABELS,
    ETHNIC_ORIGIN_OTHER,
    REQUIRED,
    ROW_REQUIRED,
    SECTION_FIELDS,
    SECTION_TITLES,
    SECTIONS,
    AbuseOrNeglect,
    ChildProtectionPlan,
    Problem,
    ProcessKind,
    Section,
    ethnic_origin_display,
    referral_field_problems,
    referral_row_problems,
    telephone_is_valid,
)
from .referral import (
    SUBMITTED_Q,
    FamilyMember,
    InvolvedAgency,
    OtherProcess,
    ReferenceCounter,
    Referral,
    ReferralQuerySet,
)
from .transition import CaseTransition, CaseTransitionQuerySet

__all__ = [
    "ETHNIC_ORIGIN_CHOICES",
    "ETHNIC_ORIGIN_LABELS",
    "ETHNIC_ORIGIN_OTHER",
    "REQUIRED",
    "ROW_REQUIRED",
    "SECTION_FIELDS",
    "SECTION_TITLES",
    "SECTIONS",
    "SUBMITTED_Q",
    "AbuseOrNeglect",
    "CaseTransition",
    "CaseTransitionQuerySet",
    "ChildProtectionPlan",
    "FamilyMember",
    "InvolvedAgency",
    "OtherProcess",
    "Problem",
    "ProcessKind",
    "ReferenceCounter",
    "Referral",
    "ReferralQuerySet",
    "Section",
    "SubgroupDecision",
    "ethnic_origin_display",
    "referral_field_problems",
    "referral_row_problems",
    "telephone_is_valid",
]
