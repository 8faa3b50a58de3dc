"""Transactional tests flush the database; the seeded rulebook must be there for every test."""

import pytest

from deadlines.models import DeadlineRule


@pytest.mark.django_db(transaction=True)
def test_a_transactional():
    assert DeadlineRule.objects.count() == 11


@pytest.mark.django_db(transaction=True)
def test_b_transactional_after_flush():
    assert DeadlineRule.objects.count() == 11


def test_c_plain(db):
    assert DeadlineRule.objects.count() == 11
