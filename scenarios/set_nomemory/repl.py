# pyfault-scenario: gh134163-repl
# issue: https://github.com/python/cpython/issues/134163
# plan: runtime
# layer: pymem
# pty: yes
# timeout: 10
# expect: system=error 3.11-vanilla=error 3.11-patched=error 3.11-regress=error 3.13-vanilla=unwind-loop 3.13-patched=error|fatal
#
# The interactive REPL, driven through a pseudo-terminal: with `pty: yes`
# the interpreter runs as `PY -q -i` on a terminal and the lines below the
# header are typed at its prompt, one by one. On 3.13 the new REPL is
# Python code whose handlers sit past offset 256: set_nomemory(0) typed at
# its prompt sends it into the gh-134163 loop, as in the original report.
import pyfault
pyfault.set_nomemory(0)
1 + 1
