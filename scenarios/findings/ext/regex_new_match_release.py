"""regex 2022.10.31 (Debian python3-regex 0.1.20221031-1+b1):
pattern_new_match() builds a Match object and, when copying the fuzzy
changes fails, releases it before it owns its string, substring and
pattern (match_dealloc() drops a reference to each that was never
taken) and with its groups pointer not yet set: the searched string and
the pattern are freed while still in use, and the interpreter crashes
later (pymalloc_alloc < _PyObject_GC_NewVar < tuple_alloc,
PyObject_GC_UnTrack < tupledealloc, or in the test suite visit_decref <
tupletraverse < subtract_refs). Upstream 2025.09.18's pattern_new_match()
has the same order (read in its source; this reproducer does not crash
its -g build).

    build/pyfault sweep --mode both --python /usr/bin/python3.11 \\
        --inject 'region,dso=_regex*' \\
        scenarios/findings/ext/regex_new_match_release.py
"""
import gc

import pyfault
import regex

PAT = regex.compile(r"(?i)(?:error){e}")    # fuzzy: matches carry their changes
TEXT = "regex " + "failure"                 # not a constant: its references are the match's
[m.span() for m in PAT.finditer(TEXT)]      # warm
with pyfault.region():
    spans = [m.span() for m in PAT.finditer(TEXT)]
gc.collect()
print("no crash", spans)
