# asyncio_echo.py: an asyncio program for fork_engine.sh: asyncio's
# imports, then a region in which a loop (an epoll set, its socket pair)
# runs tasks that echo lines through streams on a Unix socket pair.
import asyncio
import socket

import pyfault


async def echo(reader, writer):
    while line := await reader.readline():
        writer.write(line.upper())
        await writer.drain()
    writer.close()


async def main():
    here, there = socket.socketpair()
    server = asyncio.create_task(echo(*await asyncio.open_connection(sock=there)))
    reader, writer = await asyncio.open_connection(sock=here)
    for i in range(100):
        writer.write(b"line %d\n" % i)
        await writer.drain()
        if await reader.readline() != b"LINE %d\n" % i:
            raise SystemExit(f"echo {i} lost")
    writer.close()
    await server


with pyfault.region():
    asyncio.run(main())
