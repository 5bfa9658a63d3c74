"""Runs inside gdb (gdb -batch -x THIS): one interpreter, one parity script,
one side, every start value; one JSON line per start on the output file.

Side "capi": breakpoints on _testcapi's hook_fmalloc, hook_fcalloc and
hook_frealloc (fm_nomemory itself is inlined away), conditioned on the
call that set_nomemory(START, START + 1) fails (count == start at entry).
Side "pyfault": a breakpoint on the shim's pyfault_injected_failure.
Either way the stack at the failure is recorded, then the run goes on to
its end: exit status, or the fatal signal, and stderr for the class.

Configuration comes in PARITY_CFG (JSON): python, script, side, starts,
out, env (a dict for the inferior).
"""
import json
import os

import gdb

cfg = json.loads(os.environ["PARITY_CFG"])
for cmd in ("set pagination off", "set confirm off", "set breakpoint pending on",
            "set startup-with-shell on", "set print thread-events off",
            "set print inferior-events off", "handle SIGPIPE nostop noprint pass",
            "set libthread-db-search-path /nonexistent", "set auto-load off"):
    gdb.execute(cmd)
for key, value in cfg["env"].items():
    gdb.execute("set environment %s=%s" % (key, value))
gdb.execute("file %s" % cfg["python"])

if cfg["side"] == "capi":
    for f in ("hook_fmalloc", "hook_fcalloc", "hook_frealloc"):
        gdb.execute("break %s if FmData.count == FmData.start" % f, to_string=True)
else:
    gdb.execute("break pyfault_injected_failure", to_string=True)
bps = list(gdb.breakpoints())

last_stop = []


def on_stop(event):
    last_stop.append(event)


gdb.events.stop.connect(on_stop)


def frames(limit=16):
    out = []
    f = gdb.newest_frame()
    while f is not None and len(out) < limit:
        lib = gdb.solib_name(f.pc()) or cfg["python"]
        out.append({"func": f.name() or "??", "obj": os.path.basename(lib)})
        try:
            f = f.older()
        except gdb.error:
            break
    return out


fast_condition = []


def faster_breakpoints(old):
    """Every hook call stops at the conditional breakpoints; looking FmData
    up in the debug information at each stop is the slow part. Put the
    same condition on raw addresses instead: gdb turns address
    randomisation off, so they hold for every later run."""
    condition = literal_condition()
    for bp in old:
        bp.condition = condition
    return old


def literal_condition():
    """FmData.count == FmData.start on raw addresses."""
    count = int(gdb.parse_and_eval("&FmData.count"))
    start = int(gdb.parse_and_eval("&FmData.start"))
    ctype = "long" if int(gdb.parse_and_eval("sizeof(FmData.count)")) == 8 else "int"
    return "*(%s *)%d == *(int *)%d" % (ctype, count, start)


def alive():
    return gdb.selected_inferior().pid != 0


err_path = cfg["out"] + ".stderr"
with open(cfg["out"], "w") as out:
    for start in cfg["starts"]:
        for bp in bps:
            bp.enabled = True
        del last_stop[:]
        stack, signal = None, None
        gdb.execute("run %s %s %d >/dev/null 2>%s" % (cfg["script"], cfg["side"], start, err_path),
                    to_string=True)
        while alive():
            ev = last_stop[-1] if last_stop else None
            if isinstance(ev, gdb.BreakpointEvent) and stack is None:
                stack = frames()
                if cfg["side"] == "capi" and not fast_condition:
                    fast_condition.append(True)
                    bps = faster_breakpoints(bps)
                for bp in bps:
                    bp.enabled = False
                del last_stop[:]
                gdb.execute("continue", to_string=True)
                continue
            if isinstance(ev, gdb.SignalEvent):
                signal = ev.stop_signal
            gdb.execute("kill", to_string=True)
            break
        exit_code = None
        if signal is None:
            value = gdb.convenience_variable("_exitcode")
            exit_code = int(value) if value is not None else None
        with open(err_path, errors="replace") as f:
            stderr = f.read()
        out.write(json.dumps({"start": start, "stack": stack, "signal": signal,
                              "exit_code": exit_code, "stderr": stderr[-2000:]}) + "\n")
        out.flush()
