# uvloop_echo.py: a program for event_loops.sh: a uvloop loop (libuv: an
# epoll set, an eventfd and pipes) made before the region, in which
# streams echo lines through a Unix socket pair. Needs python3-uvloop.
import asyncio
import socket

import uvloop

import pyfault

loop = uvloop.new_event_loop()
asyncio.set_event_loop(loop)
a, b = socket.socketpair()

async def main():
    r1, w1 = await asyncio.open_connection(sock=a)
    r2, w2 = await asyncio.open_connection(sock=b)
    for i in range(20):
        w1.write(b"x" * 100 + b"\n")
        await w1.drain()
        line = await r2.readline()
        w2.write(line)
        await w2.drain()
        await r1.readline()
    w1.close()
    w2.close()

loop.run_until_complete(asyncio.sleep(0))
with pyfault.region():
    try:
        loop.run_until_complete(main())
    except MemoryError:
        pass
print("done")
