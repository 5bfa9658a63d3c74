# pyfault-scenario: threads-shared-containers
# issue: https://peps.python.org/pep-0703/ (pyfault issue 13: threads under allocation failure)
# plan: both
# layer: pymem
# inject: region
# stride: 300
# timeout: 20
# expect: system=error|ok 3.11-vanilla=error|ok 3.11-patched=error|ok 3.11-regress=error|ok 3.13-vanilla=error|ok 3.13-patched=error|ok
#
# Four threads share one dict, one list and one WeakValueDictionary and
# fill and drain them at the same time, each in its own pyfault.region(),
# while the sweep fails allocations under them (nth=N: once; from=N: every
# region allocation from N on, in every thread). On a free-threaded build
# the threads really run at once, with per-object locks and per-thread
# freelists; on a GIL build they take turns. A thread keeps the exception
# it meets in its own slot; the main thread then checks that the shared
# containers still agree with each other, and raises the first exception
# (so a thread's MemoryError is the process's error).
#
# Run on the GIL variants (stride 300, both modes): every trial within
# the threads' allocations is error (a MemoryError; 40 on 3.11, 32 on
# 3.13), the two points past M are ok. With `pyfault run --inject
# random=P,seed=S,region`, P in 0.001, 0.01, 0.05 and seeds 1-30, every run
# on system, 3.11-vanilla, 3.13-vanilla and 3.13-patched ends in a
# MemoryError with the containers in agreement. 3.14-vanilla and
# 3.14t-vanilla have no expectation yet: their sources could not be
# fetched (mk/cpython.mk), so the scenario has not run there.
import gc
import threading
import weakref

import pyfault

THREADS = 4
ROUNDS = 150


class Node:
    __slots__ = ("key", "__weakref__")

    def __init__(self, key):
        self.key = key


shared = {}
order = []
registry = weakref.WeakValueDictionary()
results = [None] * THREADS
start = threading.Barrier(THREADS)


def work(i):
    try:
        start.wait()
        with pyfault.region():
            for k in range(ROUNDS):
                key = "t%d-%d" % (i, k)
                node = Node(key)
                # list, registry, then dict: whichever step fails, a key
                # in the dict is in the other two
                order.append(key)
                registry[key] = node
                shared[key] = node
                if k % 3 == 2:
                    # drop an older node: its weakref callback removes it
                    # from the registry, maybe in another thread's turn
                    old = "t%d-%d" % (i, k - 2)
                    shared.pop(old, None)
                if k % 50 == 49:
                    gc.collect()
        results[i] = ROUNDS
    except BaseException as e:
        results[i] = e


threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
for t in threads:
    t.start()
for t in threads:
    t.join()
# Whatever failed, the containers agree: every live node is registered
# under its own key, and every key in the dict was appended to the list.
for key, node in shared.items():
    assert node.key == key, (key, node.key)
    assert registry.get(key) is node, key
listed = set(order)
assert all(key in listed for key in shared), "a key in the dict is missing from the list"
for r in results:
    if isinstance(r, BaseException):
        raise r
assert results == [ROUNDS] * THREADS, results
print("threads done:", len(shared), "live nodes of", len(order))
