# pyfault-scenario: bpo38006-trash-weakref
# issue: https://bugs.python.org/issue38006
# plan: none
# layer: pymem
# needs: nogc_container
# timeout: 10
# expect: 3.11-regress=segfault *=ok
#
# The bpo-38006 shape (cffi's CField): a container outside the GC hides an
# object Z from the collector. A weakref WZ to Z, with a callback that is
# itself garbage, is garbage too but lives on in a second cycle. Without
# the bpo-38006 fix the collector does not clear WZ; Z dies while the
# garbage is torn down, WZ fires, and the callback runs after tp_clear
# emptied it: SIGSEGV.
#
#   Z <- Y <- A --+--> WZ --callback--> cb      wz_cycle = [WZ, wz_cycle]
#             ^   |
#             +---+
import gc
import weakref

import nogc_container

fired = []


class A:
    __slots__ = ("a", "y", "wz", "cb")


class Z:
    pass


def build():
    # cb comes first in the collector's lists: it is cleared before A's
    # tp_clear frees Y, and Y frees Z.
    def cb(wr):
        fired.append(len(wr.__class__.__name__))  # needs func_builtins
    a = A()
    a.a = a
    a.cb = cb
    cb.__module__ = a
    a.y = nogc_container.Holder(Z())
    a.wz = weakref.ref(a.y.value, cb)
    wz_cycle = [a.wz]
    wz_cycle.append(wz_cycle)


gc.collect()
gc.disable()
build()
gc.collect()
print("callback fired" if fired else "callback not fired", flush=True)
