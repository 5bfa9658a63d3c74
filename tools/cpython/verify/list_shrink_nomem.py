"""3.11: shrinking a list when realloc() cannot give the smaller block.

list_resize() reallocates the item array when a list shrinks below half
of its allocation, and 3.11.2 raises MemoryError when that realloc()
fails, although the current block is big enough. compiler_exit_scope()
assumes that popping its scope stack cannot fail; when it did, compile()
went on with a stale unit and crashed.

A list of 8 items (8 allocated) shrunk to 1 needs that realloc();
deleting 7 items needs no other allocation (list_ass_slice() keeps up to
8 removed items on the C stack). The one allocation that happens fails.

Expected: 3.11-vanilla ends with MemoryError; 3.11-patched prints
"list shrunk".
"""
import _testcapi

lst = list(range(8))
_testcapi.set_nomemory(0, 1)
try:
    del lst[1:]
finally:
    _testcapi.remove_mem_hooks()
assert lst == [0], lst
print("list shrunk", flush=True)
