"""dso_probe.py DIR: imports the dsoprobe extension from DIR (built by
tests/support/build_dsoprobe.sh) and prints the eligible allocations
(pyfault.eligible() deltas) of each thing it then does, one per line:
  imported E     eligible allocations up to the end of the import
  work D OUTCOME dsoprobe.work(100): 200 allocations in the extension
  lib D OUTCOME  dsoprobe.lib_work(50): 50 malloc calls in its library
  python D       pure Python work that never enters either
  total E A      eligible and all allocations at the end
OUTCOME is "ok" or "memoryerror".
"""
import sys

import pyfault

sys.path.insert(0, sys.argv[1])
import dsoprobe  # noqa: E402

print("imported", pyfault.eligible(), flush=True)


def measure(func, n):
    before = pyfault.eligible()
    try:
        func(n)
        outcome = "ok"
    except MemoryError:
        outcome = "memoryerror"
    return pyfault.eligible() - before, outcome


def python_work(n):
    return {str(i): [i] * 3 for i in range(n)}


print("work %d %s" % measure(dsoprobe.work, 100))
print("lib %d %s" % measure(dsoprobe.lib_work, 50))
print("python %d" % measure(python_work, 1000)[0])
print("total", pyfault.eligible(), pyfault.allocations())
