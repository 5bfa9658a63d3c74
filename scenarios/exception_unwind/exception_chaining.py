# pyfault-scenario: exception-chaining
# issue: https://github.com/python/cpython/issues/134163
# plan: persistent
# inject: site=_PyRun_SimpleFileObject
# stride: 20
# timeout: 10
# expect: *=ok|error
#
# Explicit (raise ... from) and implicit (__context__) chains built and
# formatted while allocations fail from each point on.
import traceback


def low(n):
    raise KeyError(n)


def mid(n):
    try:
        low(n)
    except KeyError as e:
        raise ValueError("mid %d" % n) from e


def high(n):
    try:
        mid(n)
    except ValueError:
        raise RuntimeError("high")  # implicit chaining


lines = 0
for i in range(10):
    try:
        high(i)
    except RuntimeError as e:
        lines += len(traceback.format_exception(e))
