# fork_lock.py: an flock on the script itself, taken before the region
# and taken again (non-blocking) after it. Each exec'd trial holds its
# own and ends ok; a forked trial's own description of the file would
# hold none (the stopped server's blocks it: error), and an exec'd trial
# waits for the server's. The fork engine ends the server at the first
# such stop: no point forked, every class as exec's.
import fcntl
import os

import pyfault

f = open(__file__)
fcntl.flock(f, fcntl.LOCK_EX)
with pyfault.region():
    try:
        words = [str(j) * 600 for j in range(20)]
    except MemoryError:
        pass
fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
print("done")
