# fork_env_width.py: what a trial's CPython sees of the shim's variables.
# Each trial that meets its failure appends the lengths of PYFAULT and
# PYFAULT_CTL to $ENV_WIDTH_OUT: CPython sizes os.environ's objects by
# them, so every trial of a sweep, exec'd or forked from the server, must
# see the same two.
import os

import pyfault

try:
    with pyfault.region():
        rows = [list(range(i)) for i in range(8)]
except MemoryError:
    line = "%d %d\n" % (len(os.environ["PYFAULT"]), len(os.environ["PYFAULT_CTL"]))
    fd = os.open(os.environ["ENV_WIDTH_OUT"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    os.write(fd, line.encode())
    os.close(fd)
