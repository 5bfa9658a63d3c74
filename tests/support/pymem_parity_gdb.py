"""Runs inside gdb (gdb -batch -x THIS): one interpreter, one parity script,
one side, every start value; one JSON line per start on the output file.

Side "pyfault": a breakpoint on the shim's pyfault_injected_failure.
Side "capi": the call _testcapi.set_nomemory(START, START + 1) fails is
the one whose hook (hook_fmalloc, hook_fcalloc or hook_frealloc; its
fm_nomemory is inlined away) takes the "return NULL" branch. The first
run finds it the slow way, with breakpoints on the hooks conditioned on
FmData.count == FmData.start at entry, and reads the addresses of the
hooks' return-NULL instructions from their disassembly. Later runs stop
only twice: at _testcapi's set_nomemory (the extension is loaded by then),
where breakpoints go on those addresses, and at the failure itself. gdb
turns address randomisation off, so the addresses hold for every run. A
build whose hooks have no recognisable return-NULL branch keeps the
conditional breakpoints (on raw addresses, which gdb evaluates faster).
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

HOOKS = ("hook_fmalloc", "hook_fcalloc", "hook_frealloc")
stops = []
gdb.events.stop.connect(stops.append)


def frames(limit=16):
    """The innermost LIMIT frames: function name and object file."""
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


def null_returns(func):
    """Addresses of FUNC's "return NULL" (xor %eax,%eax; ret), its .cold
    part (negative offsets) included."""
    text = gdb.execute("disassemble %s" % func, to_string=True)
    insns = []
    for line in text.splitlines():
        parts = line.split(":", 1)
        if ("<+" in parts[0] or "<-" in parts[0]) and len(parts) == 2:
            addr = parts[0].replace("=>", " ").split()[0]
            insns.append((int(addr, 16), " ".join(parts[1].split())))
    return [a for (a, i), (_, nxt) in zip(insns, insns[1:])
            if i == "xor %eax,%eax" and nxt in ("ret", "retq")]


def literal_condition():
    """FmData.count == FmData.start on raw addresses."""
    count = int(gdb.parse_and_eval("&FmData.count"))
    start = int(gdb.parse_and_eval("&FmData.start"))
    ctype = "long" if int(gdb.parse_and_eval("sizeof(FmData.count)")) == 8 else "int"
    return "*(%s *)%d == *(int *)%d" % (ctype, count, start)


class Capi:
    """The capi side's breakpoints, slow (conditional) until the first
    failure shows where the return-NULL branches are."""

    def __init__(self):
        # "break X if C" (not gdb.Breakpoint + .condition): a condition set
        # on a pending breakpoint from Python is lost when it resolves
        for h in HOOKS:
            gdb.execute("break %s if FmData.count == FmData.start" % h, to_string=True)
        self.cond = list(gdb.breakpoints())
        self.arm = None        # breakpoint at set_nomemory, once fast
        self.fail_addrs = []
        self.fail_bps = []

    def begin_run(self):
        for bp in self.cond:
            bp.enabled = True

    def on_stop(self, ev):
        """Returns the failure's stack, or None for an arming stop."""
        bp = ev.breakpoints[0] if getattr(ev, "breakpoints", None) else None
        if bp is not None and bp == self.arm:
            self.fail_bps = [gdb.Breakpoint("*%d" % a, internal=True) for a in self.fail_addrs]
            return None
        stack = frames()
        if self.arm is None and self.cond:
            self.speed_up()
        self.end_run()
        return stack

    def speed_up(self):
        sites = [null_returns(h) for h in HOOKS]
        if all(sites):
            self.fail_addrs = [a for s in sites for a in s]
            for bp in self.cond:
                bp.delete()
            self.cond = []
            self.arm = gdb.Breakpoint("set_nomemory", internal=True)
        else:
            condition = literal_condition()
            for bp in self.cond:
                bp.condition = condition

    def end_run(self):
        for bp in self.cond:
            bp.enabled = False
        for bp in self.fail_bps:
            bp.delete()
        self.fail_bps = []


class Pyfault:
    def __init__(self):
        self.bp = gdb.Breakpoint("pyfault_injected_failure", internal=True)

    def begin_run(self):
        self.bp.enabled = True

    def on_stop(self, ev):
        self.bp.enabled = False
        return frames()

    def end_run(self):
        self.bp.enabled = False


side = Capi() if cfg["side"] == "capi" else Pyfault()


def alive():
    return gdb.selected_inferior().pid != 0


err_path = cfg["out"] + ".stderr"
with open(cfg["out"], "w") as out:
    for start in cfg["starts"]:
        side.begin_run()
        del stops[:]
        stack, signal = None, None
        gdb.execute("run %s %s %d >/dev/null 2>%s" % (cfg["script"], cfg["side"], start, err_path),
                    to_string=True)
        while alive():
            ev = stops[-1] if stops else None
            del stops[:]
            if isinstance(ev, gdb.BreakpointEvent) and stack is None:
                stack = side.on_stop(ev)
                gdb.execute("continue", to_string=True)
                continue
            if isinstance(ev, gdb.SignalEvent):
                signal = ev.stop_signal
            gdb.execute("kill", to_string=True)
            break
        side.end_run()
        exit_code = None
        if signal is None:
            value = gdb.convenience_variable("_exitcode")
            exit_code = int(value) if value is not None else None
        with open(err_path, errors="replace") as f:
            stderr = f.read()
        out.write(json.dumps({"start": start, "stack": stack, "signal": signal,
                              "exit_code": exit_code, "stderr": stderr[-2000:]}) + "\n")
        out.flush()
