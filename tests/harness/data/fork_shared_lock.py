# fork_shared_lock.py: a multiprocessing.Lock (a POSIX semaphore mapped
# shared, in /dev/shm) taken after the region and never released: the
# trial exits holding it. Each exec'd trial has its own lock and ends ok;
# forked trials would share the server's, and every one after the first
# would wait for it in vain (abort after a second, not a hang, to keep
# the test short). The fork engine must exec every point of it.
import multiprocessing
import os

import pyfault

lock = multiprocessing.Lock()
with pyfault.region():
    try:
        words = [str(j) for j in range(20)]
    except MemoryError:
        pass
if not lock.acquire(timeout=1):
    os.abort()
os._exit(0)
