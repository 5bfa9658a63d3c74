"""bitarray 2.7.3 (Debian python3-bitarray 2.7.3-1), and upstream's
current _bitarray.c: newbitarrayobject() frees the object that
type->tp_alloc() made with PyObject_Del() when its buffer's PyMem_Malloc
fails. For bitarray itself (no GC) that happens to be right; for a
subclass defined in Python, such as bitarray's own frozenbitarray, the
object carries a GC header in front and is tracked by the collector, so
PyObject_Del frees a pointer into the middle of a pymalloc block and
leaves the collector's list pointing at freed memory. The next
collection crashes here (segfault: subtract_refs < deduce_unreachable <
gc_collect_main), the next allocations in the test suite (segfault:
pymalloc_alloc < _PyType_AllocNoTrack < PyType_GenericAlloc). With the
base class (PFX_CLASS=bitarray) the same failure is a clean MemoryError.

    build/pyfault run --python /usr/bin/python3.11 \\
        --inject 'nth=2,region,dso=_bitarray*' \\
        scenarios/findings/ext/bitarray_subclass_oom.py
"""
import gc
import os

import bitarray
import pyfault

cls = getattr(bitarray, os.environ.get("PFX_CLASS", "frozenbitarray"))
a = cls("1101100" * 20)
a[:40]                               # warm
with pyfault.region():
    try:
        b = a[:40]                   # newbitarrayobject(): tp_alloc, then the buffer
    except MemoryError:
        print("MemoryError")
# what the freed object left behind: the collector walks its list, and
# pymalloc hands its block out again
gc.collect()
junk = [cls("10" * n) for n in range(200)]
print("no crash", len(junk))
