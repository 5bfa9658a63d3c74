# fork_child_ran.py: children the target ran and reaped before its
# region (FORK_CHILD_KIND):
# - few: /bin/true, and a Python child outside any region. Neither counts
#   an eligible allocation under region=, so neither could fail in an
#   exec'd trial: every point forks (before: every one exec'd, for a
#   child once had).
# - counting: a Python child that makes a few allocations in a region of
#   its own. An exec'd trial's child inherits the trial's plan and fails
#   at a point that low (check=True: error); the server's child ran
#   counting, so a trial forked there would end ok: those points exec,
#   and the points well past its count fork.
# - ignored: SIGCHLD ignored, so the kernel reaps the child, and a child
#   forked (os.fork) that counts a few in a region and says by a pipe
#   whether one failed (the parent then exits 1). Its usage is not added
#   to the parent's: the old check, by that usage, forked every point
#   after it, where an exec'd trial's child fails at the low ones.
# - bare: children forked (os.fork, and subprocess with a preexec_fn,
#   which forks rather than vforks) that exec /bin/true with an empty
#   environment: the shim does not run in it. Each child wrote "start"
#   at its fork and never a summary; the "exec" it writes now ends it, and
#   every point forks (before: every one exec'd).
# - quick: an os.fork() child that counts a few in a region and ends by
#   os._exit (as multiprocessing's workers do), which skips the exit
#   handlers; it says by its exit status whether one failed. The summary
#   the shim now writes at _exit ends it: the low points exec, as an
#   exec'd trial's child fails there (error), and the points past its
#   count fork (before: every one exec'd, as its start had no end).
import os
import signal
import subprocess
import sys

import pyfault


def count_a_few():
    """A few allocations in a region: 0, or 1 when one failed."""
    try:
        with pyfault.region():
            x = [str(j) * 600 for j in range(3)]
        return 0 if len(x) == 3 else 1
    except MemoryError:
        return 1


kind = os.environ["FORK_CHILD_KIND"]
if kind == "few":
    subprocess.run(["/bin/true"], check=True)
    subprocess.run([sys.executable, "-c", "pass"], check=True)
elif kind == "counting":
    child = "import pyfault\nwith pyfault.region():\n    x = [str(j) * 600 for j in range(3)]\n"
    subprocess.run([sys.executable, "-c", child], check=True)
elif kind == "bare":
    pid = os.fork()
    if pid == 0:
        os.execve("/bin/true", ["true"], {})
    if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0:
        raise SystemExit(1)
    subprocess.run(["/bin/true"], env={}, preexec_fn=lambda: None, check=True)
elif kind == "ignored":
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    r, w = os.pipe()
    if os.fork() == 0:
        os.close(r)
        try:
            with pyfault.region():
                x = [str(j) * 600 for j in range(3)]
            os.write(w, b"ok")
        except MemoryError:
            os.write(w, b"failed")
        raise SystemExit(0)  # finalized: the shim's summary is written
    os.close(w)
    said = b""
    while part := os.read(r, 16):  # to its end: the child has exited
        said += part
    os.close(r)
    if said != b"ok":
        raise SystemExit(1)
elif kind == "quick":
    pid = os.fork()
    if pid == 0:
        os._exit(count_a_few())
    if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0:
        raise SystemExit(1)
else:
    raise SystemExit(f"unknown FORK_CHILD_KIND {kind!r}")
with pyfault.region():
    try:
        words = [str(j) * 600 for j in range(28)]
    except MemoryError:
        pass
print("done")
