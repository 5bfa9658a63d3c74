# pyfault-scenario: gate-new-crash
# issue: https://github.com/python/cpython/issues/134163
# plan: none
# timeout: 10
# expect: *=segfault
#
# Dies of SIGSEGV on purpose, as expected: the gate test's crash that no
# baseline knows yet (a new finding, not a violated expectation).
import ctypes

ctypes.string_at(0)
