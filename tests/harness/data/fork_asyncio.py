# fork_asyncio.py: an asyncio loop made before the region (an epoll set,
# and a socket pair it wakes itself through), a socket pair and a pipe
# of the script's, with bytes queued in the pipe at every stop. In the
# region, the loop waits for the pipe, wakes itself from a callback and
# echoes through the socket pair. Each exec'd trial has its own loop;
# a forked trial gets a new pipe, socket pairs and set of its own, the
# queued bytes copied (abort when it reads another trial's), so every
# point forks and ends as exec's does.
import asyncio
import os
import socket

import pyfault

loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)
a, b = socket.socketpair()
a.setblocking(False)
b.setblocking(False)
r, w = os.pipe()
os.set_blocking(r, False)
os.write(w, b"queued before\n")


async def main():
    ready = loop.create_future()
    loop.add_reader(r, lambda: ready.done() or ready.set_result(os.read(r, 100)))
    got = await ready
    loop.remove_reader(r)
    if got != b"queued before\n":
        os.abort()  # another trial's bytes, or none
    loop.call_soon_threadsafe(lambda: None)  # through the loop's own pair
    words = [str(j) * 100 for j in range(10)]
    for i in range(5):
        await loop.sock_sendall(a, b"%d" % i)
        if await loop.sock_recv(b, 16) != b"%d" % i:
            os.abort()
    return words


with pyfault.region():
    try:
        loop.run_until_complete(main())
    except MemoryError:
        pass
os.write(w, b"trial\n")  # left queued for a later trial to find
loop.close()
print("done")
