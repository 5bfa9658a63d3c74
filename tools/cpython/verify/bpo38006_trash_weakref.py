"""bpo-38006: a weakref that is itself garbage must not run its callback.

Object graph (all of it garbage after `del`):

    Z <- Y <- A --+--> WZ --callback--> cb
              ^   |
              +---+            wz_cycle = [WZ, wz_cycle]

  - Y is _testcapi.ContainerNoGC: it holds Z without tp_traverse, so the
    collector cannot see Z and does not know Z is garbage;
  - WZ is a weakref to Z whose callback cb is a function in the garbage;
  - wz_cycle keeps WZ alive until after A's tp_clear has freed Y and Z.

With the bpo-38006 fix, handle_weakrefs() clears WZ (a weakref in the
garbage), so when Z dies nothing is called. Without it (3.11-regress),
Z dies during delete_garbage(), WZ fires, and cb runs after its own
tp_clear emptied func_globals/func_builtins: SIGSEGV.

Expected: 3.11-vanilla prints "callback not called"; 3.11-regress crashes.
"""
import gc
import weakref

from _testcapi import ContainerNoGC

called = []


class A:
    __slots__ = ("a", "y", "wz", "cb")


class Z:
    pass


def build():
    # cb is created first, so it comes before A in the collector's lists
    # and is tp_clear-ed before A's tp_clear frees Y and Z.
    def cb(wr):
        called.append(len(wr.__class__.__name__))   # needs builtins
    a = A()
    a.a = a
    a.cb = cb
    cb.__module__ = a           # cb belongs to the garbage, not to a module
    a.y = ContainerNoGC(Z())
    a.wz = weakref.ref(a.y.value, cb)
    wz_cycle = [a.wz]
    wz_cycle.append(wz_cycle)


gc.collect()
gc.disable()
build()
gc.collect()
print("callback called" if called else "callback not called", flush=True)
