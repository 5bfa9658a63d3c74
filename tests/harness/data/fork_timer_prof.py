# fork_timer_prof.py: fork_timer.py with ITIMER_PROF (0.2 s of CPU time):
# every exec'd trial ends by SIGPROF in the busy loop after the region; a
# forked trial, which inherits no interval timer, would run it out (ok).
import signal
import time

import pyfault

signal.setitimer(signal.ITIMER_PROF, 0.2)
with pyfault.region():
    try:
        words = [str(j) for j in range(20)]
    except MemoryError:
        pass
until = time.monotonic() + 1.5
while time.monotonic() < until:
    sum(range(1000))
print("done")
