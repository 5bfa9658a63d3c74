"""pyfault: control the libpyfault.so allocator shim from inside Python.

set_nomemory() and remove_mem_hooks() behave like _testcapi's functions of
the same names, so scenarios written for _testcapi run unchanged on release
builds that have no _testcapi:

    counting restarts at the call; the allocations numbered above `start`
    and up to `stop` fail; stop=0 means forever.

In a CPython process the shim counts where _testcapi counts: calls
through CPython's allocator API (PEP 445), in the raw, mem and obj domains,
with pymalloc (or mimalloc, or the debug hooks) left in place. So a start
value taken from an upstream _testcapi reproducer fails the same
allocation here. layer() says which layer is counting.

region() keeps a sweep to the code that matters: under the spec flag
`region`, only the allocations this thread makes inside a region are
eligible (counted for N), so a scenario's imports and set-up never are:

    import json, decimal             # outside: never eligible
    with pyfault.region():
        body()                       # the sweep's points are all in here

The functions are called through ctypes.PyDLL: the GIL stays held during
the call, as it does for _testcapi's C functions, so no other thread can
allocate between the call and its return.
"""

import ctypes
import operator

__all__ = ["set_nomemory", "remove_mem_hooks", "allocations", "eligible",
           "injected", "layer", "pymem_hooked", "region", "loaded",
           "ShimNotLoaded"]

_LAYERS = {1: "libc", 2: "pymem", 3: "all"}

# the shim counts in 64 bits; ctypes would wrap a larger number around
_COUNT_MAX = 2**64 - 1


class ShimNotLoaded(RuntimeError):
    """libpyfault.so is not in this process."""


def _load():
    # The preloaded shim is in the global symbol scope: dlsym(RTLD_DEFAULT).
    # PyDLL, not CDLL: the call keeps the GIL, as _testcapi's functions do.
    lib = ctypes.PyDLL(None)
    try:
        fn = lib.pyfault_set_nomemory
    except AttributeError:
        return None
    fn.argtypes = [ctypes.c_uint64, ctypes.c_uint64]
    # restype None: ctypes then returns Py_None without allocating, which
    # matters once every allocation fails.
    fn.restype = None
    lib.pyfault_remove_hooks.argtypes = []
    lib.pyfault_remove_hooks.restype = None
    lib.pyfault_allocations.restype = ctypes.c_uint64
    lib.pyfault_eligible.restype = ctypes.c_uint64
    # restype None and no arguments: entering and leaving allocate nothing
    lib.pyfault_region_enter.argtypes = []
    lib.pyfault_region_enter.restype = None
    lib.pyfault_region_leave.argtypes = []
    lib.pyfault_region_leave.restype = None
    lib.pyfault_injected.restype = ctypes.c_uint64
    lib.pyfault_layer.restype = ctypes.c_uint
    lib.pyfault_pymem_hooked.restype = ctypes.c_int
    return lib


_lib = _load()


def loaded():
    """True when libpyfault.so is loaded in this process."""
    return _lib is not None


def _require():
    if _lib is None:
        raise ShimNotLoaded(
            "pyfault: libpyfault.so is not loaded in this process; run under "
            "'pyfault run' or with LD_PRELOAD=/path/to/libpyfault.so")
    return _lib


def set_nomemory(start, stop=0):
    """Fail the allocations numbered above START and up to STOP (0: forever),
    counting from this call, like _testcapi.set_nomemory. Both are whole
    numbers from 0 to 2**64-1: TypeError for another type (a float, as
    _testcapi), ValueError below 0, OverflowError above."""
    start, stop = operator.index(start), operator.index(stop)
    if start < 0 or stop < 0:
        raise ValueError("start and stop must be >= 0")
    if start > _COUNT_MAX or stop > _COUNT_MAX:
        raise OverflowError("start and stop must be at most 2**64-1")
    _require().pyfault_set_nomemory(start, stop)


def remove_mem_hooks():
    """Stop failing allocations, like _testcapi.remove_mem_hooks."""
    _require().pyfault_remove_hooks()


def allocations():
    """Allocations counted by the shim since the process started."""
    return _require().pyfault_allocations()


def eligible():
    """Allocations that passed the spec's filters (min-size, site, dso,
    region) since the process started: the numbers nth=N counts."""
    return _require().pyfault_eligible()


def injected():
    """Allocation failures injected since the process started."""
    return _require().pyfault_injected()


def layer():
    """The counting layer in effect: "pymem", "libc" or "all"."""
    return _LAYERS.get(_require().pyfault_layer(), "?")


def pymem_hooked():
    """True when the shim's hooks are in every CPython allocator domain's
    chain (a probe allocation reaches each); None outside the pymem layer."""
    r = _require().pyfault_pymem_hooked()
    return None if r < 0 else bool(r)


class region:
    """`with pyfault.region(): ...` marks the allocations this thread makes
    inside the block; with `region` in the spec only those are eligible.
    Regions nest. Entering and leaving allocate nothing in the shim.
    Without the shim a region does nothing, so the scenario still runs."""

    __slots__ = ()

    def __enter__(self):
        if _lib is not None:
            _lib.pyfault_region_enter()
        return self

    def __exit__(self, exc_type, exc, tb):
        if _lib is not None:
            _lib.pyfault_region_leave()
        return False
