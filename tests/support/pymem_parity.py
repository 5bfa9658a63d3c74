"""pymem_parity.py: the shim's pymem layer against _testcapi.set_nomemory.

For each parity script and each start value, runs the script once with
_testcapi.set_nomemory(START, START + 1) and once with
pyfault.set_nomemory(START, START + 1), both under gdb (pymem_parity_gdb.py)
and both with the shim preloaded in count mode, and compares point by point:
  - the outcome class (ok, error, fatal, abort, segfault, signal);
  - the C function that made the failed allocation: the innermost frame
    of the failure's stack that is not allocator plumbing (CPython's
    PyMem_* / PyObject_Malloc family, pymalloc, the hooks themselves).

Prints one line per script and a total, writes the details as JSON, and
exits 0 when every point agrees, 1 when one does not, 2 on a setup error.

usage: pymem_parity.py --python PY --shim SO --pythonpath DIR
                       --starts A:B[:STEP] --out FILE.json SCRIPT.py...
"""
import argparse
import fnmatch
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

# Frames that belong to the allocation machinery, not to its caller.
PLUMBING = ["PyMem_*", "_PyMem_*", "PyObject_Malloc", "PyObject_Calloc",
            "PyObject_Realloc", "_PyObject_Malloc", "_PyObject_Calloc",
            "_PyObject_Realloc", "pymalloc_*", "_PyObject_Mi*", "_PyMem_Mi*",
            "mi_*", "_mi_*", "fm_nomemory", "hook_f*", "hook_*",
            "pyfault_*", "pf_*"]
PLUMBING_OBJS = ["libpyfault.so", "_testcapi*.so"]


def allocating_function(stack):
    """The innermost frame that is not allocator plumbing, or "?"."""
    for frame in stack or []:
        if any(fnmatch.fnmatch(frame["obj"], g) for g in PLUMBING_OBJS):
            continue
        if any(fnmatch.fnmatchcase(frame["func"], g) for g in PLUMBING):
            continue
        return frame["func"]
    return "?"


def outcome(run):
    sig = run["signal"]
    if sig in ("SIGSEGV", "SIGBUS"):
        return "segfault"
    if sig == "SIGABRT":
        return "fatal" if "Fatal Python error" in run["stderr"] else "abort"
    if sig:
        return "signal"
    return "ok" if run["exit_code"] == 0 else "error"


def side_runs(args, script, side, out_dir):
    out = os.path.join(out_dir, "%s.%s.jsonl" % (os.path.basename(script), side))
    env = {"LD_PRELOAD": args.shim, "PYFAULT": "count", "PYTHONHASHSEED": "0",
           "PYTHONPATH": "%s:%s" % (os.path.dirname(os.path.abspath(script)), args.pythonpath),
           "PYTHONDONTWRITEBYTECODE": "1"}
    cfg = {"python": args.python, "script": os.path.abspath(script), "side": side,
           "starts": list(range(*args.starts)), "out": out, "env": env}
    proc = subprocess.Popen(
        ["gdb", "-nx", "-batch", "-x", os.path.join(HERE, "pymem_parity_gdb.py")],
        env=dict(os.environ, PARITY_CFG=json.dumps(cfg)),
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return proc, out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--python", required=True)
    p.add_argument("--shim", required=True)
    p.add_argument("--pythonpath", required=True)
    p.add_argument("--starts", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("scripts", nargs="+")
    args = p.parse_args()
    args.starts = tuple(int(x) for x in args.starts.split(":"))

    report, total, agree, crashes = {}, 0, 0, 0
    keep = os.environ.get("PARITY_KEEP")
    with tempfile.TemporaryDirectory(prefix="pyfault-parity-") as tmp:
        tmp = keep or tmp
        for script in args.scripts:
            procs = [side_runs(args, script, side, tmp) for side in ("capi", "pyfault")]
            runs, logs = {}, {}
            for (proc, out), side in zip(procs, ("capi", "pyfault")):
                log = logs[side] = proc.communicate(timeout=3600)[0].decode(errors="replace")
                if proc.returncode != 0 or not os.path.exists(out):
                    print("parity: gdb failed on %s (%s): %s" % (script, side, log[-500:]),
                          file=sys.stderr)
                    return 2
                with open(out) as f:
                    runs[side] = {r["start"]: r for r in map(json.loads, f)}
            points, ok = [], 0
            for start in range(*args.starts):
                c, f = runs["capi"].get(start), runs["pyfault"].get(start)
                if c is None or f is None:
                    print("parity: %s: no result for start %d; gdb said:\n%s" % (
                        script, start, (logs["capi"] + logs["pyfault"])[-1500:]), file=sys.stderr)
                    return 2
                cp = {"class": outcome(c), "site": allocating_function(c["stack"])}
                pp = {"class": outcome(f), "site": allocating_function(f["stack"])}
                same = cp == pp
                ok += same
                crashes += cp["class"] in ("segfault", "abort", "fatal")
                points.append({"start": start, "capi": cp, "pyfault": pp, "same": same})
            name = os.path.basename(script)
            n = len(points)
            failed_at = sum(1 for pt in points if pt["capi"]["site"] != "?")
            classes = sorted({pt["capi"]["class"] for pt in points})
            print("%s: %d/%d points identical (%d with a failed allocation; classes %s)"
                  % (name, ok, n, failed_at, ",".join(classes)))
            for pt in points:
                if not pt["same"]:
                    print("  start %d: _testcapi %s at %s, pyfault %s at %s"
                          % (pt["start"], pt["capi"]["class"], pt["capi"]["site"],
                             pt["pyfault"]["class"], pt["pyfault"]["site"]))
            report[name] = points
            total += n
            agree += ok
    tmp_out = args.out + ".tmp"
    with open(tmp_out, "w") as f:
        json.dump({"python": args.python, "points": total, "identical": agree,
                   "scripts": report}, f)
    os.replace(tmp_out, args.out)
    print("parity: %d/%d points identical (%.2f%%), %d crashing points"
          % (agree, total, 100.0 * agree / max(total, 1), crashes))
    return 0 if agree == total else 1


if __name__ == "__main__":
    sys.exit(main())
