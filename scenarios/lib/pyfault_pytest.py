"""pyfault_pytest: a pytest plugin that makes each test's call a region.

Load it with `-p pyfault_pytest` (scenarios/lib on PYTHONPATH, as under
`pyfault run`, `pyfault sweep` and `pyfault pytest`). Under the spec flag
`region` only the allocations a test function makes while it runs are
eligible: collection, set-up, fixtures and tear-down never are, so the
sweep's points are the tests' own allocations.

    --pyfault-report=PATH   at the end of the session, write PATH (a JSON
                            object, atomically): for each test that ran,
                            its node id, the call phase's outcome and the
                            region's eligible numbers [first, last] (first
                            = last + 1 when it allocated nothing eligible);
                            and PATH.running, rewritten as each test starts
                            and emptied as it ends: the node id of the test
                            running, so a run that dies in a test (a
                            segfault, os._exit) names it
    --pyfault-select=NODEID run only the test NODEID of those selected
                            (repeatable); the harness reruns one test with
                            the user's own arguments plus this option
    --pyfault-no-region     do not enter regions (for comparison runs)

Without the shim the plugin runs the tests unchanged and reports eligible
numbers of 0.
"""

import json
import keyword
import os
import types

import pytest

import pyfault

_REPORT = "pyfault_pytest_report"


# The code of a prepared call, by its shape: (number of positional
# arguments, keyword names).
_CALL_CODE = {}


def _prepared_call(function, args, kwargs):
    """A function of no arguments that calls FUNCTION(*ARGS, **KWARGS), or
    None when a keyword is no identifier. Its call makes no allocation of
    its own: the values lie in its defaults and the keywords are names in
    its code, so the inner call is a plain call with constant keyword
    names, where `function(**kwargs)` would copy the dict and then unpack
    it into a new array and a new tuple of names."""
    names = tuple(kwargs)
    if not all(isinstance(n, str) and n.isidentifier() and not keyword.iskeyword(n)
               for n in names):
        return None
    shape = (len(args), names)
    code = _CALL_CODE.get(shape)
    if code is None:
        values = ["_pf_%d" % i for i in range(len(args) + len(names))]
        actual = values[:len(args)] + ["%s=%s" % (n, v) for n, v in zip(names, values[len(args):])]
        namespace = {}
        exec("def call(_pf_f, %s):\n    return _pf_f(%s)\n"
             % (", ".join(values), ", ".join(actual)), namespace)
        code = _CALL_CODE[shape] = namespace["call"].__code__
    return types.FunctionType(code, {}, "pyfault_call",
                              (function,) + tuple(args) + tuple(kwargs.values()))


def pytest_addoption(parser):
    group = parser.getgroup(
        "pyfault", "pyfault: each test's call phase is an allocation region")
    group.addoption(
        "--pyfault-report", dest=_REPORT, metavar="PATH", default=None,
        help="write the node id, outcome and the region's eligible "
             "allocation numbers of every test to PATH (JSON) at the end")
    group.addoption(
        "--pyfault-select", dest="pyfault_select", metavar="NODEID",
        action="append", default=[],
        help="run only this test (node id; repeatable) of those selected")
    group.addoption(
        "--pyfault-no-region", dest="pyfault_no_region", action="store_true",
        default=False,
        help="do not make the call phase a region (every allocation is "
             "then outside one)")


def _eligible():
    return pyfault.eligible() if pyfault.loaded() else 0


class _Plugin:
    """The session's hooks and what they learnt, test by test, in run order."""

    def __init__(self, config):
        self.config = config
        self.region = not config.getoption("pyfault_no_region")
        self.tests = []
        self.by_id = {}
        report = config.getoption(_REPORT)
        self.running = report + ".running" if report else None

    def entry(self, nodeid):
        e = self.by_id.get(nodeid)
        if e is None:
            e = {"nodeid": nodeid, "outcome": "notrun", "first": 0, "last": 0}
            self.by_id[nodeid] = e
            self.tests.append(e)
        return e

    def _running(self, nodeid):
        # Written through (no buffer to lose): a crash in the test leaves
        # its node id here for the harness.
        if self.running is None:
            return
        fd = os.open(self.running, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, nodeid.encode("utf-8", "surrogateescape"))
        finally:
            os.close(fd)

    def pytest_runtest_logstart(self, nodeid, location):
        self._running(nodeid)

    def pytest_runtest_logfinish(self, nodeid, location):
        self._running("")

    def pytest_collection_modifyitems(self, config, items):
        wanted = config.getoption("pyfault_select")
        if not wanted:
            return
        keep = [it for it in items if it.nodeid in wanted]
        missing = sorted(set(wanted) - {it.nodeid for it in keep})
        if missing:
            raise pytest.UsageError(
                "--pyfault-select: no such test among those selected: "
                + ", ".join(missing))
        config.hook.pytest_deselected(
            items=[it for it in items if it.nodeid not in wanted])
        items[:] = keep

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item):
        # Fixtures (and a unittest TestCase's setUp) run before this hook's
        # call and tear-down after it. The region spans only the test
        # function's own call: item.obj is what pytest calls for a test
        # function (pytest_pyfunc_call) and binds onto the TestCase for a
        # unittest test, so swapping it leaves pytest's and pluggy's
        # bookkeeping around the call outside the region.
        e = self.entry(item.nodeid)
        e["first"] = _eligible() + 1
        function = getattr(item, "obj", None) if self.region else None
        if function is not None:
            def in_region(*args, **kwargs):
                # Fixtures come as keywords, and a call with **kwargs
                # copies them into a new dict and then a new array: the
                # region's first allocations would be the call's, not the
                # test's. Prepared outside, the call allocates nothing.
                call = _prepared_call(function, args, kwargs)
                if call is None:
                    with pyfault.region():
                        return function(*args, **kwargs)
                with pyfault.region():
                    return call()

            item.obj = in_region
            try:
                yield
            finally:
                item.obj = function
        else:
            yield
        e["last"] = _eligible()

    def pytest_runtest_logreport(self, report):
        # The call phase's outcome; a set-up failure or skip is the test's.
        if report.when != "call" and report.outcome == "passed":
            return
        e = self.entry(report.nodeid)
        if report.when == "call":
            e["outcome"] = report.outcome
        elif e["outcome"] == "notrun":
            e["outcome"] = report.when + "-" + report.outcome

    def pytest_sessionfinish(self, session, exitstatus):
        path = self.config.getoption(_REPORT)
        if not path:
            return
        doc = {"version": 1, "region": self.region, "shim": pyfault.loaded(),
               "exitstatus": int(exitstatus), "tests": self.tests}
        # atomic: a reader sees the whole report or none
        tmp = "%s.%d.tmp" % (path, os.getpid())
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")
        os.replace(tmp, path)


def pytest_configure(config):
    config.pluginmanager.register(_Plugin(config), "pyfault-session")
