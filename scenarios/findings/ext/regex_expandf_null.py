"""regex 2022.10.31 (Debian python3-regex 0.1.20221031-1+b1), and upstream
2025.09.18: match_expandf() in _regex.c puts make_capture_object()'s
result into the format arguments unchecked. When it fails, the tuple
holds NULL and str.format reads it: a segfault in tupleitem <
PySequence_GetItem < output_markup (CPython's format code).

    build/pyfault run --python /usr/bin/python3.11 \\
        --inject 'nth=3,region,dso=_regex*' \\
        scenarios/findings/ext/regex_expandf_null.py
"""
import pyfault
import regex

m = regex.match(r"(a)(b)", "ab")
m.expandf("{0}{1}{2}")   # warm
with pyfault.region():
    s = m.expandf("{0}{1}{2}")
print("no crash", s)
