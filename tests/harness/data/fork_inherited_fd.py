# fork_inherited_fd.py: descriptors the harness was given (by make, a CI
# runner, socket activation, `flock FILE cmd`) and passes on to every
# exec'd trial: /dev/null at 3, a pipe at 4, a file locked at 6, an
# eventfd at 7 (as `perf record` leaves one). A forked trial must hold
# them there too (the old fork server put its socket on 3: error where
# exec says ok), and neither the pipe, the lock nor the eventfd is state
# of the target's: every point forks.
import os
import stat

import pyfault

with pyfault.region():
    try:
        words = [str(j) * 600 for j in range(20)]
    except MemoryError:
        pass
if not (stat.S_ISCHR(os.fstat(3).st_mode) and stat.S_ISFIFO(os.fstat(4).st_mode) and
        stat.S_ISREG(os.fstat(6).st_mode) and stat.S_IFMT(os.fstat(7).st_mode) == 0):
    os.abort()
print("done")
