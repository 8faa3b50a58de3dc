import pytest

from ..factories import looked_after_case


@pytest.fixture
def case(practitioner):
    return looked_after_case(author=practitioner)
