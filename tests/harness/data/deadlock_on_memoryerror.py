# deadlock_on_memoryerror.py: an error path that takes a lock it already
# holds. Without a failure the body ends at once; a MemoryError inside the
# region leaves the main thread asleep forever (class hang, blocked), with
# every thread asleep and no allocation: the stall verdict's shape.
import threading

import pyfault

lock = threading.Lock()
with pyfault.region():
    try:
        with lock:
            rows = [[i, str(i), {"k": i}] for i in range(20)]
    except MemoryError:
        lock.acquire()  # the "cleanup" that waits for the lock it holds
        lock.acquire()
print("done")
