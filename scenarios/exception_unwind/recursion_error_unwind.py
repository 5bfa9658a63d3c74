# pyfault-scenario: exceptions-during-recursionerror-unwind
# issue: https://github.com/python/cpython/issues/134163
# plan: oneshot
# layer: pymem
# inject: site=_PyRun_SimpleFileObject
# stride: 40
# timeout: 10
# expect: system=ok|error|segfault 3.11-vanilla=ok|error|segfault 3.11-regress=ok|error|segfault 3.13-vanilla=ok|error|segfault *=ok|error
#
# A RecursionError unwinds through frames whose finally blocks raise and
# catch exceptions of their own, with one allocation failing at each point.
#
# Segfaults allowed since the pymem layer keeps pymalloc, all while this
# file is compiled:
# 3.11-vanilla, 3.11-regress: "visit_reachable < list_traverse <
#   move_unreachable" (nth=601): assemble_init()'s double free (gh-151112)
#   corrupts a pymalloc free list; fixed in 3.11-patched by
#   patches/3.11/0012-compile-assemble_init-must-clear-what-it-releases-on.patch
#   (3.11-regress takes only its revert patch).
# system: Debian's 3.11.2 has the same double free; the stride-40 sample
#   misses it today, but nth=598 gives "segfault: PyWeakref_NewRef <
#   Py_FinalizeEx < Py_RunMain", so a shift of a few allocations would hit it.
# 3.13-vanilla: "_PyInstructionSequence_Addop < compiler_enter_scope <
#   compiler_function" (nth=481): the unchecked instruction sequence;
#   fixed in 3.13-patched by
#   patches/3.13/0005-compile-check-the-instruction-sequence-allocation-in.patch.
import sys

sys.setrecursionlimit(300)


def down(n):
    try:
        return down(n + 1)
    finally:
        if n % 5 == 0:
            try:
                raise KeyError(n)
            except KeyError as e:
                str(e)


for attempt in range(3):
    try:
        down(0)
    except RecursionError as e:
        assert isinstance(e.__context__, (KeyError, type(None)))
