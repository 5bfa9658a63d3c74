"""pyfault: control the libpyfault.so allocator shim from inside Python.

set_nomemory() and remove_mem_hooks() behave like _testcapi's functions of
the same names, so scenarios written for _testcapi run unchanged on release
builds that have no _testcapi:

    counting restarts at the call; the allocations numbered above `start`
    and up to `stop` fail; stop=0 means forever.

The shim counts the C library's allocator calls, so run the interpreter
with PYTHONMALLOC=malloc (the pyfault command does): pymalloc would serve
most objects from its own pools without calling malloc.
"""

import ctypes

__all__ = ["set_nomemory", "remove_mem_hooks", "allocations", "injected",
           "loaded", "ShimNotLoaded"]


class ShimNotLoaded(RuntimeError):
    """libpyfault.so is not in this process."""


def _load():
    # The preloaded shim is in the global symbol scope: dlsym(RTLD_DEFAULT).
    lib = ctypes.CDLL(None)
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
    lib.pyfault_injected.restype = ctypes.c_uint64
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
    counting from this call, like _testcapi.set_nomemory."""
    if start < 0 or stop < 0:
        raise ValueError("start and stop must be >= 0")
    _require().pyfault_set_nomemory(start, stop)


def remove_mem_hooks():
    """Stop failing allocations, like _testcapi.remove_mem_hooks."""
    _require().pyfault_remove_hooks()


def allocations():
    """Allocations counted by the shim since the process started."""
    return _require().pyfault_allocations()


def injected():
    """Allocation failures injected since the process started."""
    return _require().pyfault_injected()
