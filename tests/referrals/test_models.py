"""The referral's data: Appendix 2's categories exactly, and the side-effect-free checks."""

from datetime import date

import pytest

from referrals.models import (
    ETHNIC_ORIGIN_CHOICES,
    AbuseOrNeglect,
    ChildProtectionPlan,
    ProcessKind,
    ethnic_origin_display,
    referral_field_problems,
    telephone_is_valid,
)
from referrals.models.form import _eighteenth_birthday

from .factories import ReferralFactory


def test_ethnic_origin_categories_are_exactly_appendix_2s():
    groups = [(group, [label for _value, label in options]) for group, options in ETHNIC_ORIGIN_CHOICES]

    assert groups == [
        ("(A) White", ["White: British", "White: Irish", "White: any other White background"]),
        (
            "(B) Mixed",
            [
                "Mixed: Asian and White",
                "Mixed: Black African and White",
                "Mixed: Black Caribbean and White",
                "Mixed: any other mixed background",
            ],
        ),
        (
            "(C) Asian or Asian British",
            [
                "Asian or Asian British: Indian",
                "Asian or Asian British: Pakistani",
                "Asian or Asian British: Bangladeshi",
                "Asian or Asian British: Chinese",
                "Asian or Asian British: any other Asian background",
            ],
        ),
        (
            "(D) Black or Black British",
            [
                "Black or Black British: Caribbean",
                "Black or Black British: African",
                "Black or Black British: any other Black background",
            ],
        ),
        ("(E) Other ethnic group", ["Other ethnic group (please specify)"]),
        ("(F) Not declared", ["Not declared"]),
    ]


def test_other_ethnic_group_shows_what_was_specified():
    assert ethnic_origin_display("other", "Roma") == "Other ethnic group: Roma"
    assert ethnic_origin_display("other", "") == "Other ethnic group"
    assert ethnic_origin_display("asian_chinese", "ignored") == "Asian or Asian British: Chinese"
    assert ethnic_origin_display("", "") == ""


def test_the_forms_other_choices_are_appendix_2s():
    assert ChildProtectionPlan.labels == ["Yes", "No", "Has been", "Not known"]
    assert AbuseOrNeglect.labels == ["Known", "Suspected", "Neither known nor suspected"]
    assert ProcessKind.labels == [
        "Coroner’s inquest",
        "Child Death Overview Panel",
        "Criminal proceedings",
        "Other",
    ]


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("01632 960 001", True),
        ("07700 900982", True),
        ("+44 808 157 0192", True),
        ("(01632) 960-001", True),
        ("+44 (0)1632 960001", True),
        ("123", False),
        ("call me", False),
        ("01632 960 001 ext 23", False),
        ("0" * 16, False),
    ],
)
def test_telephone_numbers(number, valid):
    assert telephone_is_valid(number) is valid


def test_eighteenth_birthday_of_someone_born_on_29_february():
    assert _eighteenth_birthday(date(2008, 2, 29)) == date(2026, 3, 1)
    assert _eighteenth_birthday(date(2008, 3, 1)) == date(2026, 3, 1)
    assert _eighteenth_birthday(date(2010, 2, 28)) == date(2028, 2, 28)


@pytest.mark.django_db
def test_child_turning_18_on_the_day_of_the_incident_is_refused():
    referral = ReferralFactory.build(child_date_of_birth=date(2008, 3, 1), incident_date=date(2026, 3, 1))

    problems = referral_field_problems(referral, "child", today=date(2026, 3, 5), complete=False)

    assert problems == {
        "child_date_of_birth": "The child’s date of birth must be less than 18 years before the date of "
        "death or critical incident"
    }


@pytest.mark.django_db
def test_consistency_rules_apply_to_a_draft_saved_for_later():
    referral = ReferralFactory.build(child_date_of_birth=date(2026, 3, 9), incident_date=date(2026, 3, 1))

    problems = referral_field_problems(referral, "child", today=date(2026, 3, 5), complete=False)

    assert problems == {
        "child_date_of_birth": "The child’s date of birth must be today or in the past",
        "incident_date": "The date of death or critical incident must be on or after the child’s date of birth",
    }
