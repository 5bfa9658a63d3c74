"""GH-91636: a weakref made by a finalizer during a collection outlives
the GC's weakref clearing, and hands out an object GC has tp_clear-ed.

Timeline of one gc.collect():
  1. the cycle  holder -> victim (a function) -> holder  is garbage;
     `keeper` is not (a global refers to it).
  2. handle_weakrefs() clears weakrefs to the garbage: there are none yet.
  3. finalize_garbage() runs Holder.__del__, which makes a NEW weakref to
     victim, stores it on keeper, and drops the global to keeper.
  4. delete_garbage() calls tp_clear on victim (func_globals etc. become
     NULL); that frees holder, which frees keeper, whose __del__ runs.
  5. Keeper.__del__ dereferences the weakref: on an unfixed interpreter it
     still points at the cleared function; calling it crashes.

Expected: vanilla dies with SIGSEGV; patched prints "weakref cleared".
"""
import gc
import weakref


class Keeper:
    def __del__(self):
        f = self.ref()          # the weakref made in step 3
        if f is None:
            print("weakref cleared", flush=True)
            return
        print("weakref alive: calling a tp_clear-ed function", flush=True)
        f()                     # uses func_globals/builtins, now NULL


class Holder(tuple):
    __slots__ = ()

    def __del__(self):
        victim, keep = self
        keep.ref = weakref.ref(victim)
        global keeper
        del keeper


def make_garbage():
    def victim():
        return len(globals())
    holder = tuple.__new__(Holder, (victim, keeper))
    victim.__module__ = holder      # closes the cycle through the function


keeper = Keeper()
gc.disable()
make_garbage()
gc.collect()
print("done", flush=True)
