# pyfault-scenario: weakref-callbacks-at-finalization-nomemory
# issue: https://bugs.python.org/issue38006
# plan: both
# layer: pymem
# inject: site=Py_FinalizeEx|_Py_Finalize
# stride: 10
# timeout: 10
# expect: system=ok|error|unwind-loop 3.11-vanilla=ok|error|unwind-loop 3.11-regress=ok|error|unwind-loop 3.13-vanilla=ok|error|unwind-loop *=ok|error
#
# Weakref callbacks that run during interpreter finalization, while
# allocations fail: site=Py_FinalizeEx makes only the allocations made
# during finalization eligible (_Py_Finalize on 3.13, whose Py_FinalizeEx
# is a wrapper), and the sweep fails each of them in turn
# (oneshot) and from each of them on (persistent).
import weakref

log = []


class Resource:
    def __init__(self, i):
        self.i = i
        self.cycle = self


def on_death(wr, tag="resource"):
    log.append((tag, len(log)))   # allocates while finalization runs


keep = []
for i in range(50):
    r = Resource(i)
    keep.append(weakref.ref(r, on_death))
finalizers = [weakref.finalize(Resource(i), on_death, None, "finalize") for i in range(20)]
del r
