# pyfault-scenario: gh91636-finalizer-weakref-callback
# issue: https://github.com/python/cpython/issues/91636
# plan: none
# layer: pymem
# timeout: 10
# expect: system=segfault 3.11-vanilla=segfault 3.11-regress=segfault 3.13-vanilla=segfault 3.11-patched=ok 3.13-patched=ok
#
# A finalizer (__del__) that the collector runs creates a weakref to a
# function in the garbage. The collector cleared the weakrefs to its
# garbage before running finalizers, so this new one survives. When the
# garbage is torn down, a weakref callback follows it and calls the
# function after tp_clear emptied it (func_globals is NULL): SIGSEGV.
import gc
import weakref


class Token:
    pass


class Keeper:
    """Alive all along: holds the weakref whose callback fires."""
    ref = None


class Holder(tuple):
    __slots__ = ()

    def __del__(self):
        victim, token = self
        to_victim = weakref.ref(victim)   # made by a finalizer: not cleared

        def callback(_):
            f = to_victim()
            print("callback reached", "a cleared function" if f else "nothing", flush=True)
            if f is not None:
                f()                       # uses func_globals: NULL by now

        keeper.ref = weakref.ref(token, callback)


def make_garbage():
    def victim():
        return len(globals())
    holder = tuple.__new__(Holder, (victim, Token()))
    victim.__module__ = holder            # victim -> holder -> victim


keeper = Keeper()
gc.collect()
gc.disable()
make_garbage()
gc.collect()
print("survived", flush=True)
