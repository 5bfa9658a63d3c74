"""dict.setdefault() when inserting a new key cannot grow the table.

In 3.13.5, dict_setdefault_ref_lock_held() (PyDict_SetDefaultRef(),
dict.setdefault()) drops its references when insert_combined_dict()
fails but then falls through to the success path: it counts an entry
that was never stored (ma_used one too high) and reports "inserted"
with MemoryError still set. A later resize then copies one entry more
than the table holds; the compiler's constant cache crashed that way.

A dict of 5 int keys has a full 8-slot table, so setdefault() of a new
key must allocate a 16-slot one. Every allocation from the nth on fails
while it runs, n = 0, 1, ...; then len(d) must still match the keys.

Expected: 3.13-vanilla prints "dict broken" (its ma_used is off by one);
the patched builds and 3.11 print "dict ok".
"""
import _testcapi

broken = False
for n in range(4):
    d = {i: i for i in range(5)}
    _testcapi.set_nomemory(n)
    try:
        d.setdefault(100, 100)
    except (MemoryError, SystemError):
        pass
    finally:
        _testcapi.remove_mem_hooks()
    # Count the keys by lookup: iterating a dict whose ma_used is wrong
    # is not safe.
    if len(d) != sum(1 for k in (0, 1, 2, 3, 4, 100) if k in d):
        broken = True
print("dict broken" if broken else "dict ok", flush=True)
