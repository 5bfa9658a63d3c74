# test_exits ends the process with status 0 before pytest's session ends:
# no plugin report; the error names the test (tests/harness/test_pytest.c).
import os


def test_ok():
    assert len(str(10 ** 30)) == 31


def test_exits():
    os._exit(0)
