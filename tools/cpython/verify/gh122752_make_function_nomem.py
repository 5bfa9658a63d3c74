"""gh-122752: MAKE_FUNCTION when the function object cannot be allocated.

3.13.5's MAKE_FUNCTION releases the code object it took from the stack
and then leaves with ERROR_NO_POP(), so the exception unwind releases it
a second time. The nested function's code object, referenced from
make()'s co_consts, loses a reference it still needs (in the compiler
scenario it was freed and a later GC pass crashed on it).

To see it without crashing, the script holds one more reference to that
code object and compares its reference count before and after: every
allocation from the nth on fails while make() runs, n = 0, 1, ... (for
n = 0 that is the function object in PyFunction_New()). 3.11 pops the
code object before the call, so it has no such bug.

Expected: 3.13-vanilla prints "code object lost a reference"; the
patched builds and 3.11 print "code refcount kept".
"""
import sys
import _testcapi


def make():
    def inner():
        return 1
    return inner


code = make.__code__.co_consts[1]       # inner's code object: held here
assert code is make().__code__
before = sys.getrefcount(code)
for n in range(4):
    _testcapi.set_nomemory(n)
    try:
        make()
    except MemoryError:
        pass
    finally:
        _testcapi.remove_mem_hooks()
after = sys.getrefcount(code)
if after < before:
    print("code object lost a reference", before, after, flush=True)
else:
    print("code refcount kept", flush=True)
