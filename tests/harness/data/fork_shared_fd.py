# fork_shared_fd.py: a descriptor whose state lives in the one open file
# description a fork shares, made before the region and used after it:
# FORK_SHARED_KIND names it (pipe, socket, eventfd, epoll, pty, many: a
# socket past 1,100 other descriptors, bigmemfd: a nameless file with
# too many bytes to copy). Each exec'd trial makes its own and ends ok; forked
# trials would share the server's, so that what the first trial wrote
# reached every later one (abort). The fork engine must exec every point
# of it.
import os
import select
import socket

import pyfault

kind = os.environ["FORK_SHARED_KIND"]
mark = b"x\n"
if kind == "pipe":
    r, w = os.pipe()
elif kind in ("socket", "many"):
    keep = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100 if kind == "many" else 0)]
    a, b = socket.socketpair()
    r, w = a.fileno(), b.fileno()
elif kind == "eventfd":
    r = w = os.eventfd(0)
    mark = (1).to_bytes(8, "little")
elif kind == "epoll":
    ep = select.epoll()
elif kind == "pty":
    w, r = os.openpty()
elif kind == "bigmemfd":
    r = w = os.memfd_create("big")
    os.pwrite(r, b"\1" * (17 << 20), 4096)  # 17 MiB of data, a hole at 0
else:
    raise SystemExit(f"unknown FORK_SHARED_KIND {kind!r}")
with pyfault.region():
    try:
        words = [str(j) * 600 for j in range(20)]
    except MemoryError:
        pass
if kind == "epoll":
    # a set's registrations live in its description: a file a trial
    # registered that outlives the trial would be in the server's set;
    # here the set alone must send the points to exec
    ep.close()
    raise SystemExit(0)
if kind == "bigmemfd":
    if os.pread(r, 1, 0) != b"\0":
        os.abort()  # an earlier trial's
    os.pwrite(w, b"x", 0)
    raise SystemExit(0)
os.set_blocking(r, False)
try:
    if os.read(r, 8):
        os.abort()  # an earlier trial's
except BlockingIOError:
    pass
os.write(w, mark)
print("done")
