"""markupsafe 2.1.2 (Debian python3-markupsafe 2.1.2-1+b1): escape() in
src/markupsafe/_speedups.c dereferences NULL when escape_unicode() fails.

escape() calls escape_unicode(), which returns NULL when PyUnicode_New
cannot allocate the escaped copy; escape() does not check, calls
PyObject_CallFunctionObjArgs(markup, s, NULL) with s == NULL (Markup() with
no argument, a MemoryError pending) and then Py_DECREF(s): a segfault.

Run (the region and dso= keep the failures to the extension's own
allocations in the one call below; the 5th of them is escape_unicode's
PyUnicode_New, after the __html__ lookup's AttributeError and Markup's):

    build/pyfault run --python /usr/bin/python3.11 \\
        --inject 'nth=5,region,dso=_speedups*' \\
        scenarios/findings/ext/markupsafe_escape_null.py

Debian's _speedups is stripped, so its frame is missing from the signature
(segfault: PyObject_Vectorcall < _PyEval_EvalFrameDefault < ...); the same
source built with -g gives "segfault: escape < PyObject_Vectorcall < ...".
"""
import pyfault
from markupsafe import _speedups

_speedups.escape("warm")      # interns "__html__" outside the region
with pyfault.region():
    _speedups.escape("<")     # has something to escape: PyUnicode_New
print("no crash")
