"""A test that takes a fixture and allocates nothing in its call: under
`pyfault pytest` it has no points. The plugin prepares its call before
the region; a call with **kwargs inside it would copy them into a new
dict and array there, and every point 1 would be the plugin's, not the
test's (tests/harness/test_pytest.c; test_fixture_kwonly.py).
"""
import pytest


@pytest.fixture
def value():
    return 5


def test_takes_a_fixture(value):
    pass
