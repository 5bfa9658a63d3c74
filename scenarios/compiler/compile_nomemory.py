# pyfault-scenario: compiler-under-allocation-failure
# issue: https://github.com/python/cpython/issues?q=is%3Aissue+compiler+MemoryError
# plan: oneshot
# layer: pymem
# inject: site=_PyRun_SimpleFileObject
# stride: 11
# timeout: 10
# expect: system=ok|error|segfault 3.11-vanilla=ok|error|segfault 3.11-regress=ok|error|segfault 3.13-vanilla=ok|error|segfault *=ok|error
#
# The compiler fails one allocation at each point while it compiles nested
# functions, classes and comprehensions: it must report MemoryError, not
# crash. Found by this sweep: 3.11.2 crashes when the AST types' lazy
# initialisation (init_types, via PyAST_Check) fails part-way; 3.13.5's
# compiler_enter_scope does not check the instruction sequence it
# allocates, and two more error paths crash. The vanilla builds are known
# to crash here; the patched builds must not. `make run` samples every
# 11th point; `--stride 1` in a sharded CI sweep covers them all.
#
# Since the pymem layer keeps pymalloc in place, the sweep also lands on
# assemble_init()'s double free (gh-151112: a failed second or third bytes
# object, and assemble() frees the first ones again), which corrupts a
# pymalloc free list and crashes later: "buffered_dealloc <
# textiowrapper_clear < textiowrapper_dealloc" (nth=3169) and
# "gc_collect_main < gc_collect_with_callback < _PyObject_GC_Link"
# (nth=3213) on all three 3.11 builds. 3.11-vanilla and 3.11-regress
# already allow segfault; 3.11-patched stays ok|error, fixed by
# patches/3.11/0012-compile-assemble_init-must-clear-what-it-releases-on.patch
# (3.13-patched has the same fix as patches/3.13/0008-gh-151112-...).
SOURCE = """
def outer(a, b=2, *args, **kw):
    def inner(x):
        return [y * x for y in range(a)]
    class Local:
        def method(self):
            return {k: v for k, v in kw.items()}
    return inner, Local, lambda z: z + b
"""

code = compile(SOURCE, "<nested>", "exec")
namespace = {}
exec(code, namespace)
