# test_segfault dies in the counting run (a NULL read); the error names
# it and how to deselect it, after which test_ok is swept
# (tests/harness/test_pytest.c).
import ctypes


def test_ok():
    assert len(str(10 ** 30)) == 31


def test_segfault():
    ctypes.string_at(0)
