"""xxhash 3.2.0 (Debian python3-xxhash 3.2.0-1+b1): xxh3_128_intdigest()
and PYXXH3_128_intdigest() in src/_xxhash.c use unchecked results.

Both build the 128-bit int as (high << 64) + low from
PyLong_FromUnsignedLongLong(low64) and (high64) and never check them nor
PyNumber_Lshift's result: when one of those allocations fails, the next
call gets NULL (PyNumber_Lshift(NULL, 64) or PyNumber_Add(NULL, low)) and
Py_DECREF(NULL) follows: a segfault.

Run (FORM "function" is the module-level xxhash.xxh3_128_intdigest,
"method" is xxh3_128().intdigest(); the region and dso= keep the failures
to the extension's own allocations in that one call):

    build/pyfault run --python /usr/bin/python3.11 \\
        --inject 'nth=1,region,dso=_xxhash*' \\
        scenarios/findings/ext/xxhash_intdigest_null.py
    PFX_FORM=method build/pyfault run ... (the same)
"""
import os

import pyfault
import xxhash

DATA = b"pyfault"
h = xxhash.xxh3_128(DATA)
xxhash.xxh3_128_intdigest(DATA)     # warm: nothing first-time in the region
h.intdigest()
method = os.environ.get("PFX_FORM") == "method"
with pyfault.region():
    v = h.intdigest() if method else xxhash.xxh3_128_intdigest(DATA)
print("no crash", v)
