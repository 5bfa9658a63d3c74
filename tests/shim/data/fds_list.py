# Writes the open descriptors below 64, one a line, to sys.argv[1]
# (tests/shim/test_fds.c: the same with the shim as without).
import os
import sys

fds = sorted(int(n) for n in os.listdir("/proc/self/fd"))
with open(sys.argv[1], "w") as f:
    # the listing's own descriptors (the folder, this file) were the
    # lowest free ones: the same numbers with the shim as without
    f.write("".join("%d\n" % fd for fd in fds if fd < 64))
