# pyfault-scenario: pep651-add-recursion
# issue: https://peps.python.org/pep-0651/
# plan: none
# layer: pymem
# timeout: 30
# expect: system=stack-overflow 3.11-vanilla=stack-overflow 3.11-patched=stack-overflow 3.11-regress=stack-overflow 3.13-vanilla=error 3.13-patched=error
#
# PEP 651's example: __add__ recursing through the C slot machinery under a
# huge recursion limit. 3.11 only counts Python frames, so the C stack
# overflows first (SIGSEGV in the guard region); 3.13 also limits C
# recursion and raises RecursionError.
import sys

sys.setrecursionlimit(10**8)


class X:
    def __add__(self, other):
        return self + other


X() + 1
