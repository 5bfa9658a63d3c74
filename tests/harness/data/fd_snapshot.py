# fd_snapshot.py: each trial writes the descriptors it holds below 512
# (the shim's own sit higher) to SNAPDIR/PID, after the region. What the
# harness opened meanwhile (libdw's files, naming the frames of earlier
# trials' failures) must not be among them: 0, 1, 2 and what the
# harness was given, in every trial of either engine.
import os

import pyfault

with pyfault.region():
    try:
        words = [str(j) * 600 for j in range(20)]
    except MemoryError:
        pass
held = []
for n in range(512):
    try:
        os.fstat(n)
        held.append(n)
    except OSError:
        pass
# named by the kernel's pid: a forked trial's os.getpid() is the fork
# server's, one for every trial (injectors/trialpid.c)
with open(os.path.join(os.environ["SNAPDIR"], os.readlink("/proc/self")), "w") as f:
    f.write(" ".join(map(str, held)))
# an error, whose signature the harness names from the failure's frames
raise SystemExit(1)
