"""Runs CPython's own regression test modules named in argv[1:] and prints
one sorted line per test case, "<id> <outcome>", so that two runs (with and
without the shim) can be compared line by line."""
import sys
import unittest

outcomes = {}


class Recorder(unittest.TestResult):
    def addSuccess(self, test):
        outcomes[test.id()] = "ok"

    def addFailure(self, test, err):
        outcomes[test.id()] = "FAIL"

    def addError(self, test, err):
        outcomes[test.id()] = "ERROR"

    def addSkip(self, test, reason):
        outcomes[test.id()] = "skipped"

    def addExpectedFailure(self, test, err):
        outcomes[test.id()] = "xfail"

    def addUnexpectedSuccess(self, test):
        outcomes[test.id()] = "xpass"


suite = unittest.TestSuite()
for name in sys.argv[1:]:
    suite.addTests(unittest.defaultTestLoader.loadTestsFromName("test." + name))
suite.run(Recorder())
for test_id in sorted(outcomes):
    print(test_id, outcomes[test_id])
