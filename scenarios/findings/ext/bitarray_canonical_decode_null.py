"""bitarray 2.7.3 (Debian python3-bitarray 2.7.3-1): chdi_new(), behind
bitarray.util.canonical_decode(), jumps to its error path when
PyObject_GC_New() fails, and the error path writes through the NULL
iterator (it->array = NULL): a segfault in canonical_decode itself.
A later upstream chdi_new returns at once instead.

    build/pyfault run --python /usr/bin/python3.11 \\
        --inject 'nth=1,region,dso=_util*' \\
        scenarios/findings/ext/bitarray_canonical_decode_null.py
"""
import pyfault
from bitarray import bitarray
from bitarray.util import canonical_decode

a = bitarray("01011")          # a=0, b=10, c=11
SYMBOL = ["a", "b", "c"]
list(canonical_decode(a, [0, 1, 2], SYMBOL))   # warm
with pyfault.region():
    it = canonical_decode(a, [0, 1, 2], SYMBOL)
print("no crash", list(it))
