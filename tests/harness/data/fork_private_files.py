# fork_private_files.py: files with no name left, made before the region
# and written after it (FORK_PRIVATE_KIND: memfd, tmpfile: Python's
# TemporaryFile, an O_TMPFILE; dup: a TemporaryFile at two numbers, one
# description, whose offset moves at both). Each exec'd trial makes its
# own and ends ok; a forked trial gets a copy of its own as it was at the
# stop (one copy for both numbers), so no trial sees another's mark
# (abort) and every point still forks.
import os
import tempfile

import pyfault

kind = os.environ["FORK_PRIVATE_KIND"]
if kind == "memfd":
    fd = os.memfd_create("state")
elif kind in ("tmpfile", "dup"):
    f = tempfile.TemporaryFile()
    fd = f.fileno()
    other = os.dup(fd)
else:
    raise SystemExit(f"unknown FORK_PRIVATE_KIND {kind!r}")
os.write(fd, b"made before\n")
with pyfault.region():
    try:
        words = [str(j) * 600 for j in range(20)]
    except MemoryError:
        pass
# the trial's own copy: what the server wrote, at the server's offset
if os.pread(fd, 100, 0) != b"made before\n" or os.lseek(fd, 0, os.SEEK_CUR) != 12:
    os.abort()
os.write(fd, b"trial\n")
if kind == "dup" and os.lseek(other, 0, os.SEEK_CUR) != 18:
    os.abort()  # two descriptions where exec has one
print("done")
