# fork_inherited_fd.py: a descriptor the harness was given at fd 3 (by
# make, a CI runner, socket activation) and passes on to every exec'd
# trial; here /dev/null. A forked trial must hold it there too (the old
# fork server put its socket on 3: error where exec says ok), and a pipe
# inherited beside it is no state of the target's: every point forks.
import os
import stat

import pyfault

with pyfault.region():
    try:
        words = [str(j) * 600 for j in range(20)]
    except MemoryError:
        pass
if not stat.S_ISCHR(os.fstat(3).st_mode) or not stat.S_ISFIFO(os.fstat(4).st_mode):
    os.abort()
print("done")
