"""pymem_parity.py: the shim's pymem layer against _testcapi.set_nomemory.

For each parity script and each start value, runs the script once with
_testcapi.set_nomemory(START, START + 1) and once with
pyfault.set_nomemory(START, START + 1), both under gdb (pymem_parity_gdb.py)
and both with the shim preloaded in count mode, and compares point by point:
  - the outcome class (ok, error, fatal, abort, segfault, signal);
  - the C function that made the failed allocation: the innermost frame
    of the failure's stack that is not allocator plumbing (CPython's
    PyMem_* / PyObject_Malloc family, pymalloc, the hooks themselves).

Each (script, side) is one gdb, one interpreter started per start value,
as before; they run JOBS at a time (PARITY_JOBS, default 2), the next
taken as soon as one ends, and share gdb's index cache (a folder of this
run), so the shared libraries' symbols, dropped by gdb at each exit and
read again at each run, are indexed once rather than at every point.

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
import time

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


def side_runs(args, script, side, out_dir, index_cache):
    """Starts the gdb of SCRIPT's SIDE; returns it and its output file.
    Its output goes to a file, not a pipe, so that gdbs left running while
    another is waited for never block on a full pipe."""
    out = os.path.join(out_dir, "%s.%s.jsonl" % (os.path.basename(script), side))
    env = {"LD_PRELOAD": args.shim, "PYFAULT": "count", "PYTHONHASHSEED": "0",
           "PYTHONPATH": "%s:%s" % (os.path.dirname(os.path.abspath(script)), args.pythonpath),
           "PYTHONDONTWRITEBYTECODE": "1"}
    cfg = {"python": args.python, "script": os.path.abspath(script), "side": side,
           "starts": list(range(*args.starts)), "out": out, "env": env}
    log = open(out + ".gdb", "w+b")
    proc = subprocess.Popen(
        ["gdb", "-nx", "-batch",
         # before the script: the cache is then on for every symbol read
         "-iex", "set index-cache directory %s" % index_cache,
         "-iex", "set index-cache enabled on",
         "-x", os.path.join(HERE, "pymem_parity_gdb.py")],
        env=dict(os.environ, PARITY_CFG=json.dumps(cfg)),
        stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    return proc, out, log


def run_all(args, tmp):
    """Every (script, side) gdb, JOBS at a time. Returns {(script, side):
    (returncode, gdb's output, output file)}, or None after a timeout."""
    jobs = int(os.environ.get("PARITY_JOBS", "2"))
    index_cache = os.path.join(tmp, "gdb-index-cache")
    os.makedirs(index_cache, exist_ok=True)
    todo = [(script, side) for script in args.scripts for side in ("capi", "pyfault")]
    running, done = {}, {}
    deadline = time.monotonic() + 3600 * len(args.scripts)
    while todo or running:
        while todo and len(running) < jobs:
            key = todo.pop(0)
            running[key] = side_runs(args, key[0], key[1], tmp, index_cache)
        for key, (proc, out, log) in list(running.items()):
            if proc.poll() is None:
                continue
            log.seek(0)
            done[key] = (proc.returncode, log.read().decode(errors="replace"), out)
            log.close()
            del running[key]
        if time.monotonic() > deadline:
            for proc, _, _ in running.values():
                proc.kill()
            return None
        if running:
            time.sleep(0.05)
    return done


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
        done = run_all(args, tmp)
        if done is None:
            print("parity: gdb took over an hour a script", file=sys.stderr)
            return 2
        for script in args.scripts:
            runs, logs = {}, {}
            for side in ("capi", "pyfault"):
                returncode, log, out = done[(script, side)]
                logs[side] = log
                if returncode != 0 or not os.path.exists(out):
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
