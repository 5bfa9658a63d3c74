# gevent_echo.py: a program for event_loops.sh: a gevent hub (libev: an
# epoll set and an eventfd) made before the region, in which a greenlet
# echoes what the main one sends through a socket pair. Needs
# python3-gevent.
import gevent
from gevent import socket

import pyfault

a, b = socket.socketpair()
gevent.sleep(0)

def echo():
    for _ in range(10):
        b.sendall(b.recv(100))

with pyfault.region():
    try:
        g = gevent.spawn(echo)
        for i in range(10):
            a.sendall(b"x" * 50)
            a.recv(100)
        g.join()
    except MemoryError:
        pass
print("done")
