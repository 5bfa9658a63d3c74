# fork_private_files.py: files with no name left, made before the region
# and written after it (FORK_PRIVATE_KIND: memfd, tmpfile: Python's
# TemporaryFile, an O_TMPFILE; dup: a TemporaryFile at two numbers, one
# description, whose offset moves at both; twoopen: a memfd opened again
# through /proc, two descriptions of one file; sealed: a memfd sealed
# against writes; sparse: a TemporaryFile of 64 MiB, all hole). Each
# exec'd trial makes its own and ends ok; a forked trial gets a copy of
# its own as it was at the stop (one for both numbers or descriptions,
# seals and holes kept), so no trial sees another's mark (abort) and
# every point still forks.
import os
import tempfile

import pyfault

kind = os.environ["FORK_PRIVATE_KIND"]
if kind in ("memfd", "twoopen", "sealed"):
    fd = os.memfd_create("state", os.MFD_ALLOW_SEALING if kind == "sealed" else 0)
    if kind == "twoopen":
        other = os.open(f"/proc/self/fd/{fd}", os.O_RDWR)
elif kind in ("tmpfile", "dup", "sparse"):
    f = tempfile.TemporaryFile()
    fd = f.fileno()
    other = os.dup(fd)
    if kind == "sparse":
        os.ftruncate(fd, 64 << 20)
else:
    raise SystemExit(f"unknown FORK_PRIVATE_KIND {kind!r}")
os.pwrite(fd, b"made before\n", 0)
os.lseek(fd, 12, os.SEEK_SET)
if kind == "sealed":
    import fcntl
    fcntl.fcntl(fd, fcntl.F_ADD_SEALS, fcntl.F_SEAL_WRITE | fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW)
with pyfault.region():
    try:
        words = [str(j) * 600 for j in range(20)]
    except MemoryError:
        pass
# the trial's own copy: what the server wrote, at the server's offset
if os.pread(fd, 12, 0) != b"made before\n" or os.lseek(fd, 0, os.SEEK_CUR) != 12:
    os.abort()
if kind == "sealed":
    try:
        os.write(fd, b"trial\n")
        os.abort()  # the seal was lost
    except PermissionError:
        raise SystemExit(0)
os.write(fd, b"trial\n")
if kind == "dup" and os.lseek(other, 0, os.SEEK_CUR) != 18:
    os.abort()  # two descriptions where exec has one
if kind == "twoopen" and os.pread(other, 6, 12) != b"trial\n":
    os.abort()  # two files where exec has one
print("done")
