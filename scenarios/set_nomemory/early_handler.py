# pyfault-scenario: set-nomemory-early-handler
# issue: https://github.com/python/cpython/issues/134163
# plan: runtime
# layer: pymem
# timeout: 10
# expect: *=error|fatal
#
# The same shape as except_past_256.py, but with the handler early in the
# code object: lasti is a cached small int, nothing to allocate, and the
# MemoryError propagates. No interpreter may loop here.
import pyfault


def main():
    try:
        raise ValueError(1)
    except ValueError:
        pyfault.set_nomemory(0)
        [1, 2, 3]


main()
