"""The pfdemo extension's suite: three tests, one per kind of outcome
under `pyfault pytest` (scenarios/ext/pfdemo.c).

test_pairs     reaches pfdemo_pairs' unchecked PyMem_Malloc: a segfault
test_joined    reaches only checked failure paths: MemoryError, an error
test_constant  allocates nothing in its call: no points

The `numbers` fixture allocates a thousand objects in set-up, outside the
test's region: a sweep that counted them would have over a thousand points.
"""
import pytest

import pfdemo


@pytest.fixture
def numbers():
    return [str(i) for i in range(1000)]


def test_pairs(numbers):
    assert pfdemo.pairs(3) == [(0, "0"), (1, "1"), (2, "2")]


def test_joined(numbers):
    assert pfdemo.joined(4) == "x,x,x,x"


def test_constant():
    assert pfdemo.constant() == 7
