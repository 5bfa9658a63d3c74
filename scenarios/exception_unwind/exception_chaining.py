# pyfault-scenario: exception-chaining
# issue: https://github.com/python/cpython/issues/134163
# plan: persistent
# layer: pymem
# inject: site=_PyRun_SimpleFileObject
# stride: 20
# timeout: 10
# expect: system=ok|error|unwind-loop 3.11-vanilla=ok|error|unwind-loop 3.11-regress=ok|error|unwind-loop 3.13-vanilla=ok|error|unwind-loop *=ok|error
#
# Explicit (raise ... from) and implicit (__context__) chains built and
# walked while allocations fail from each point on. The vanilla builds may
# meet the gh-134163 loop on the way; the patched ones must not.


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


def chain(e):
    out = []
    while e is not None:
        out.append("%s(%s)" % (type(e).__name__, e))
        e = e.__cause__ or e.__context__
    return out


lengths = []
for i in range(10):
    try:
        high(i)
    except RuntimeError as e:
        lengths.append(len(chain(e)))
assert lengths == [3] * 10
