# pyfault-scenario: gh134163-exec
# issue: https://github.com/python/cpython/issues/134163
# plan: runtime
# layer: pymem
# timeout: 10
# expect: system=unwind-loop 3.11-vanilla=unwind-loop 3.11-regress=unwind-loop 3.13-vanilla=unwind-loop 3.11-patched=error|fatal 3.13-patched=error|fatal
#
# exec() of module-level code that calls set_nomemory(0) inside an except
# body past offset 256 of the exec'd code object.
import pyfault

SOURCE = """
a = b = c = d = e = f = g = h = 0
a += 1; b += 2; c += 3; d += 4; e += 5; f += 6; g += 7; h += 8
a += 1; b += 2; c += 3; d += 4; e += 5; f += 6; g += 7; h += 8
a += 1; b += 2; c += 3; d += 4; e += 5; f += 6; g += 7; h += 8
a += 1; b += 2; c += 3; d += 4; e += 5; f += 6; g += 7; h += 8
a += 1; b += 2; c += 3; d += 4; e += 5; f += 6; g += 7; h += 8
a += 1; b += 2; c += 3; d += 4; e += 5; f += 6; g += 7; h += 8
a += 1; b += 2; c += 3; d += 4; e += 5; f += 6; g += 7; h += 8
a += 1; b += 2; c += 3; d += 4; e += 5; f += 6; g += 7; h += 8
a += 1; b += 2; c += 3; d += 4; e += 5; f += 6; g += 7; h += 8
a += 1; b += 2; c += 3; d += 4; e += 5; f += 6; g += 7; h += 8
try:
    raise KeyError(a)
except KeyError:
    pyfault.set_nomemory(0)
    [a, b, c]
"""

code = compile(SOURCE, "<exec'd>", "exec")
exec(code, {"pyfault": pyfault})
