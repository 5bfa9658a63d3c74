"""regex 2022.10.31 (Debian python3-regex 0.1.20221031-1+b1), and upstream
2025.09.18: _regex.c's compiler uses unchecked allocations.

- pack_code_list() writes through re_alloc()'s result unchecked: a
  segfault in compile (re_compile).
- build_sequence() (and build_charset_equiv()) create their start node
  unchecked: the first node built after it is appended to NULL, a
  segfault in build_STRING, build_SET, build_BRANCH, ...
- build_sequence() tests build_STRING()'s status with `!`, which misses
  RE_ERROR_MEMORY (-4): it calls build_STRING again on the same code,
  forever while memory stays short (an unwind-loop verdict, from=N).
- add_repeat_guards() ignores CheckStack_push() failures and pops the
  same node again, forever (the long default pattern, from=N).

Run (nth=N fails the Nth of the extension's allocations in the region,
from=N every one from the Nth; PFX_PATTERN picks the pattern):

    build/pyfault sweep --mode both --python /usr/bin/python3.11 \\
        --inject 'region,dso=_regex*' \\
        scenarios/findings/ext/regex_compile_nomemory.py
"""
import os

import pyfault
import regex

# 20 two-way alternations (so the compiler's work stacks grow past their
# first 16 entries), a repeated group and a reference to it
LONG = "".join("(?:%s%s|%s)" % (c, c, c.upper()) for c in "abcdefghijklmnopqrst") + r"(x)+\1"
PATTERN = os.environ.get("PFX_PATTERN", LONG)
TEXT = "xxabcdabee" * 3
regex.compile(r"(?:xy|z)+(w)\1").search("xyzww")   # warm: nothing first-time in the region
regex.purge()
with pyfault.region():
    p = regex.compile(PATTERN)
    m = p.search(TEXT)
print("no crash", m)
