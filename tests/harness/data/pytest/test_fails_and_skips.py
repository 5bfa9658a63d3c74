# Nothing to sweep: one test fails without injection, the other is skipped
# (tests/harness/test_pytest.c: "no test was swept", exit 2).
import pytest


def test_fails():
    assert [str(i) for i in range(10)] == []


@pytest.mark.skip(reason="never runs")
def test_skipped():
    assert [str(i) for i in range(10)]
