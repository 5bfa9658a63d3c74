"""gh-134163: set_nomemory(0) in an `except` body placed past code unit 256.

When an exception leaves the except body, the unwinder needs the
instruction index (lasti) as an int to push for the cleanup handler.
Ints above 256 are not cached, so with every allocation failing,
PyLong_FromLong fails. Unpatched 3.11.2 / 3.13.5 then retry the same
handler forever (a hang); a fixed interpreter leaves the frame with
MemoryError, which reaches the caller here.

Expected: vanilla hangs (killed by the checker's timeout); patched exits
promptly, non-zero, with a MemoryError traceback.
"""
import dis
import sys

import _testcapi

# 200 two-unit statements push the except body past code unit 400.
PAD = "\n".join(f"    v{i} = {i}" for i in range(200))
SRC = f"""
def victim():
{PAD}
    try:
        raise ValueError("first")
    except ValueError:
        _testcapi.set_nomemory(0)
        return [None] * 1000    # fails: no memory
"""
ns = {"_testcapi": _testcapi}
exec(compile(SRC, "<gh134163>", "exec"), ns)
victim = ns["victim"]

# The handler that needs lasti must cover instructions past 256 (lasti is
# counted in 2-byte code units), or the small-int cache hides the bug.
lasti_handlers = [e for e in dis.Bytecode(victim).exception_entries if e.lasti]
if not lasti_handlers or min(e.start for e in lasti_handlers) // 2 <= 256:
    sys.exit("gh134163_except: padding too small: lasti handler within small-int range")

print("calling victim", flush=True)
try:
    victim()
except MemoryError:
    # Reached only when the unwinder gave up on the frame (the fix).
    # Restore the allocators so the traceback can be printed.
    _testcapi.remove_mem_hooks()
    raise
print("victim returned: unexpected")
