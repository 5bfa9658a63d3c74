# fork_shared_fd.py: a descriptor whose state lives in the one open file
# description a fork shares, made before the region and used after it:
# FORK_SHARED_KIND names it. Each exec'd trial makes its own and ends ok;
# a forked trial sharing the server's would pass what the first trial
# wrote to every later one (abort).
# - A trial is given its own (fdchannel.c, fdeventfd.c, fdepoll.c), so
#   every point forks: pipe, socket (an AF_UNIX stream pair), epoll, many
#   (a socket pair past 1,100 other descriptors), closedpeer (a pair's
#   end with bytes queued, whose peer closed), eventfd (a semaphore
#   counter at 3, at two numbers, in a level-triggered epoll set).
# - The fork engine must exec every point: pty, bigmemfd (a
#   nameless file with too many bytes to copy), dgram (a datagram socket
#   pair), halfshut (a stream pair shut down one way), fifo (a named
#   FIFO), edge (a pipe in an epoll set, edge-triggered), rdwrpipe (a
#   pipe's end opened again read-write through /proc: no one end of a new
#   pipe could stand for it).
import os
import select
import socket

import pyfault

kind = os.environ["FORK_SHARED_KIND"]
mark = b"x\n"
if kind == "pipe":
    r, w = os.pipe()
elif kind in ("socket", "many", "dgram"):
    keep = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100 if kind == "many" else 0)]
    a, b = socket.socketpair(type=socket.SOCK_DGRAM if kind == "dgram" else socket.SOCK_STREAM)
    r, w = a.fileno(), b.fileno()
elif kind == "halfshut":
    a, b = socket.socketpair()
    b.shutdown(socket.SHUT_WR)
    r, w = b.fileno(), a.fileno()
elif kind == "closedpeer":
    a, b = socket.socketpair()
    b.sendall(b"queued\n")
    b.close()
    r = w = a.fileno()
elif kind == "fifo":
    import tempfile
    path = os.path.join(tempfile.mkdtemp(), "fifo")
    os.mkfifo(path)
    r = w = os.open(path, os.O_RDWR | os.O_NONBLOCK)
    os.unlink(path)
elif kind == "edge":
    r, w = os.pipe()
    ep = select.epoll()
    ep.register(r, select.EPOLLIN | select.EPOLLET)
elif kind == "rdwrpipe":
    pr, pw = os.pipe()
    r = w = os.open(f"/proc/self/fd/{pr}", os.O_RDWR)
    os.close(pr)
    os.close(pw)
elif kind == "eventfd":
    r = os.eventfd(3, os.EFD_SEMAPHORE | os.EFD_NONBLOCK)
    w = os.dup(r)
    ep = select.epoll()
    ep.register(r, select.EPOLLIN)
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
if kind == "eventfd":
    # the trial's own counter at 3, and the set watching it: each read
    # of a semaphore takes one
    if ep.poll(0) != [(r, select.EPOLLIN)]:
        os.abort()
    if [os.eventfd_read(r) for _ in range(3)] != [1, 1, 1]:
        os.abort()
    try:
        os.eventfd_read(r)
        os.abort()  # an earlier trial's write
    except BlockingIOError:
        pass
    if ep.poll(0):
        os.abort()  # the set watches another counter
    os.eventfd_write(w, 5)  # the other number: the same counter
    if ep.poll(0) != [(r, select.EPOLLIN)]:
        os.abort()
    raise SystemExit(0)
if kind == "closedpeer":
    if os.read(r, 100) != b"queued\n" or os.read(r, 100) != b"":
        os.abort()  # another trial read them first
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
