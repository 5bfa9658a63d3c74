"""gh-152107: a dict item iterator whose result tuple cannot be allocated.

dictiter_new() allocates the iterator (not yet GC-tracked), then for item
iterators a reusable result tuple. If that tuple cannot be allocated it
drops the iterator, and dictiter_dealloc() untracks an object that was
never tracked: in a release build that writes through a NULL list link.

2-tuples normally come from a free list; holding many of them first
empties it, so the result tuple really needs malloc. Then every
allocation from the nth on fails while iter(d.items()) runs, n = 0, 1, ...
(set_nomemory(n) with one argument: a call with two would free a 2-tuple
of arguments back into the free list).

Expected: vanilla dies with SIGSEGV; patched prints "no crash".
"""
import _testcapi

d = {"k": "v"}
view = d.items()
keep = [(i, -i) for i in range(5000)]     # drain the 2-tuple free list
for n in range(8):
    _testcapi.set_nomemory(n)
    try:
        it = iter(view)
    except MemoryError:
        pass
    finally:
        _testcapi.remove_mem_hooks()
print("no crash", flush=True)
