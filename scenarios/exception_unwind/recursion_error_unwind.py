# pyfault-scenario: exceptions-during-recursionerror-unwind
# issue: https://github.com/python/cpython/issues/134163
# plan: oneshot
# inject: site=_PyRun_SimpleFileObject
# stride: 40
# timeout: 10
# expect: *=ok|error
#
# A RecursionError unwinds through frames whose finally blocks raise and
# catch exceptions of their own, with one allocation failing at each point.
import sys

sys.setrecursionlimit(300)


def down(n):
    try:
        return down(n + 1)
    finally:
        if n % 5 == 0:
            try:
                raise KeyError(n)
            except KeyError as e:
                str(e)


for attempt in range(3):
    try:
        down(0)
    except RecursionError as e:
        assert isinstance(e.__context__, (KeyError, type(None)))
