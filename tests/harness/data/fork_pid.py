# fork_pid.py: what a target noted of its pid before the region holds
# after it, as in an exec'd trial, whose pid is one from start to end
# (every exec'd trial ends ok). A forked trial runs under another pid
# than the server it was forked from; it must show the target the
# server's (injectors/trialpid.c):
# - asyncio finds its running loop only in the pid that set it running:
#   a trial forked inside run_until_complete raised "no running event
#   loop" (error) where exec's ended ok;
# - os.getpid() is what it was before the region;
# - os.kill() of that pid reaches this process, not the server (a
#   signal the server took would leave this one's flag unset: abort);
# - a child's os.getppid() is the pid its parent shows, its own pid is
#   another, and its os.kill() of its parent reaches the parent.
import asyncio
import os
import signal

import pyfault

before = os.getpid()
got = []
signal.signal(signal.SIGUSR1, lambda signum, frame: got.append(signum))
signal.signal(signal.SIGUSR2, lambda signum, frame: got.append(signum))


async def main():
    with pyfault.region():
        try:
            words = [str(j) * 600 for j in range(20)]
        except MemoryError:
            pass
    asyncio.get_running_loop()
    await asyncio.sleep(0.001)


asyncio.run(main())
if os.getpid() != before:
    os.abort()
os.kill(os.getpid(), signal.SIGUSR1)
if got != [signal.SIGUSR1]:
    os.abort()
r, w = os.pipe()
child = os.fork()
if child == 0:
    ok = os.getppid() == before and os.getpid() != before
    os.kill(os.getppid(), signal.SIGUSR2)
    os.write(w, b"y" if ok else b"n")
    os._exit(0)
os.waitpid(child, 0)
if os.read(r, 1) != b"y":
    os.abort()
if got != [signal.SIGUSR1, signal.SIGUSR2]:
    os.abort()
print("done")
