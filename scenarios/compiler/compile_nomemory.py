# pyfault-scenario: compiler-under-allocation-failure
# issue: https://github.com/python/cpython/issues?q=is%3Aissue+compiler+MemoryError
# plan: oneshot
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
