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
                            = last + 1 when it allocated nothing eligible)
    --pyfault-select=NODEID run only the test NODEID of those selected
                            (repeatable); the harness reruns one test with
                            the user's own arguments plus this option
    --pyfault-no-region     do not enter regions (for comparison runs)

Without the shim the plugin runs the tests unchanged and reports eligible
numbers of 0.
"""

import inspect
import json
import os

import pytest

import pyfault

_REPORT = "pyfault_pytest_report"


def _by_position(function, args, kwargs):
    """ARGS and then KWARGS as one tuple in FUNCTION's parameter order,
    or None when some keyword cannot be passed by position."""
    if not kwargs:
        return tuple(args)
    try:
        params = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        return None
    positional = list(args)
    rest = dict(kwargs)
    for p in params[len(args):]:
        if p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) or p.name not in rest:
            break
        positional.append(rest.pop(p.name))
    return None if rest else tuple(positional)


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

    def entry(self, nodeid):
        e = self.by_id.get(nodeid)
        if e is None:
            e = {"nodeid": nodeid, "outcome": "notrun", "first": 0, "last": 0}
            self.by_id[nodeid] = e
            self.tests.append(e)
        return e

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
                # Fixtures come as keywords, and a call with keywords
                # copies them into a new array: the region's first
                # allocation would be the call's, not the test's. Passed
                # by position, the arguments are used where they lie.
                positional = _by_position(function, args, kwargs)
                if positional is None:
                    with pyfault.region():
                        return function(*args, **kwargs)
                with pyfault.region():
                    return function(*positional)

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
