# pyfault-scenario: deliberately-wrong-expectation
# issue: https://github.com/python/cpython/issues/134163
# plan: none
# timeout: 10
# expect: *=segfault
#
# Ends cleanly: a matrix must mark this cell as differing from its
# (wrong on purpose) expectation.
print("fine")
