# fork_saved_streams.py: the harness's stdout and stderr kept as copies
# and fds 1 and 2 replaced by a file, as pytest's capture does, before
# the region. An exec'd trial holds its own pipe in each copy and the
# file at 1 and 2, so its message through the saved stderr is seen
# (fatal). A forked trial must hold the same: its own pipes in the
# copies, the file at 1 and 2 (else abort, with no message), and still
# be forked (a copy of the harness's pipe is no state of the target's).
import os
import stat
import tempfile

import pyfault

out, err = os.dup(1), os.dup(2)
capture = tempfile.TemporaryFile()
os.dup2(capture.fileno(), 1)
os.dup2(capture.fileno(), 2)
with pyfault.region():
    try:
        words = [str(j) for j in range(20)]
    except MemoryError:
        pass
if not (stat.S_ISREG(os.fstat(1).st_mode) and stat.S_ISREG(os.fstat(2).st_mode)):
    os.abort()
os.write(out, b"through the saved stdout\n")
os.write(err, b"Fatal Python error: saved_streams: through the saved stderr\n")
os.abort()
