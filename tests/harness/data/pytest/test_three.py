# Three tests of a few hundred points each: a sweep interrupted in the
# first leaves it "interrupted" and the other two "not-reached"
# (tests/harness/test_pytest.c).


def test_first():
    assert len([str(i) for i in range(300)]) == 300


def test_second():
    assert len([str(i) for i in range(300)]) == 300


def test_third():
    assert len([str(i) for i in range(300)]) == 300
