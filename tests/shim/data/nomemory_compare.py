"""For each start in 0..149, prints the step of a small workload at which
set_nomemory(start, start + 2) of the module named in argv[1] (_testcapi
or pyfault) raised MemoryError ("-" when it survived): the same line for
both modules means the same counting."""
import sys

mod = __import__(sys.argv[1])
keep = [None] * 64  # preallocated: storing into it allocates nothing


def work(state):
    for step in range(40):
        state[0] = step  # small ints are cached: no allocation
        keep[step] = "k%d" % step


results = []
state = [0]
for start in range(150):
    state[0] = -1
    try:
        mod.set_nomemory(start, start + 2)
        work(state)
        mod.remove_mem_hooks()
        results.append("-")
    except MemoryError:
        mod.remove_mem_hooks()
        results.append(str(state[0]))
print(" ".join(results))
