# A test with a few allocations in its call: swept alongside a suite whose
# own tests would leave nothing to sweep (tests/harness/test_pytest.c).


def test_small():
    assert len(str(10 ** 30)) == 31
