# fork_shared_fd.py: a descriptor whose state lives in the one open file
# description a fork shares, made before the region and used after it:
# FORK_SHARED_KIND names it (pipe, socket, eventfd, epoll). Each exec'd
# trial makes its own and ends ok; forked trials would share the
# server's, so that what the first trial wrote reached every later one
# (abort). The fork engine must exec every point of it.
import os
import select
import socket

import pyfault

kind = os.environ["FORK_SHARED_KIND"]
if kind == "pipe":
    r, w = os.pipe()
elif kind == "socket":
    a, b = socket.socketpair()
    r, w = a.fileno(), b.fileno()
elif kind == "eventfd":
    r = w = os.eventfd(0)
elif kind == "epoll":
    ep = select.epoll()
else:
    raise SystemExit(f"unknown FORK_SHARED_KIND {kind!r}")
with pyfault.region():
    try:
        words = [str(j) for j in range(20)]
    except MemoryError:
        pass
if kind == "epoll":
    # a set's registrations live in its description: a file a trial
    # registered that outlives the trial would be in the server's set;
    # here the set alone must send the points to exec
    ep.close()
    raise SystemExit(0)
os.set_blocking(r, False)
try:
    os.read(r, 8)
    os.abort()  # an earlier trial's
except BlockingIOError:
    pass
os.write(w, (1).to_bytes(8, "little"))
print("done")
