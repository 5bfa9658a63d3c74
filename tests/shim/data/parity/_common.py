"""Shared by the parity scripts: argv is SIDE START, SIDE being "capi"
(_testcapi.set_nomemory) or "pyfault" (pyfault.set_nomemory). Both modules
are imported on both sides, so that the two processes are in the same state
when the window opens; only the function called differs."""
import sys

import _testcapi
import pyfault

SIDE = sys.argv[1]
START = int(sys.argv[2])
_mod = _testcapi if SIDE == "capi" else pyfault


def window(body):
    """Runs BODY with allocation START + 1 (and only it) failing."""
    stop = START + 1
    _mod.set_nomemory(START, stop)
    try:
        body()
    finally:
        _mod.remove_mem_hooks()
