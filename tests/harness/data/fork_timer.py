# fork_timer.py: an interval timer (ITIMER_REAL, 0.4 s) armed before the
# region, whose SIGALRM ends every exec'd trial (class signal) while it
# sleeps after the region. A fork does not inherit interval timers: a
# forked trial would sleep on (a hang), and the server would get the
# signal instead. The fork engine must exec every point of it.
import signal
import time

import pyfault

signal.setitimer(signal.ITIMER_REAL, 0.4)
with pyfault.region():
    try:
        words = [str(j) for j in range(20)]
    except MemoryError:
        pass
for i in range(300):
    time.sleep(0.01)
print("done")
