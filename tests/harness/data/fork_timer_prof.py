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
# CPU time, not wall time: on a loaded machine 1.5 s of wall time can
# hold less than the timer's 0.2 s of CPU (an exec'd trial then ended ok)
until = time.process_time() + 1.5
while time.process_time() < until:
    sum(range(1000))
print("done")
