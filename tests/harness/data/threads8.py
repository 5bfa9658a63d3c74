# threads8.py: eight threads start together and allocate (dicts, lists,
# strings), each in its own pyfault.region(), while the main thread waits:
# with `inject: region` only the threads' allocations are swept. A thread that meets an exception
# keeps it in its slot (item assignment into a list made beforehand, so
# recording it allocates nothing); the main thread then raises the first
# one, so a MemoryError in any thread is the process's error.
import threading

import pyfault

N = 8
results = [None] * N
start = threading.Barrier(N)


def work(i):
    try:
        start.wait()
        with pyfault.region():
            table = {}
            for k in range(200):
                table["k%d-%d" % (i, k)] = [k] * (k % 7)
        results[i] = len(table)
    except BaseException as e:
        results[i] = e


threads = [threading.Thread(target=work, args=(i,)) for i in range(N)]
for t in threads:
    t.start()
for t in threads:
    t.join()
for r in results:
    if isinstance(r, BaseException):
        raise r
assert results == [200] * N, results
print("all", N, "threads done")
