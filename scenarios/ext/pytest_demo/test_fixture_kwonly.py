"""A test whose fixture is a keyword-only parameter and whose call
allocates nothing: under `pyfault pytest` it has no points. Such a fixture
cannot be passed by position; the plugin prepares the call, keyword and
all, before the region, so that no copy of the keywords is made inside it
(tests/harness/test_pytest.c).
"""
import pytest


@pytest.fixture
def value():
    return 5


def test_takes_a_keyword_only_fixture(*, value):
    pass
