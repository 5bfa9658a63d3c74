"""3.11 and 3.13: the assembler's set-up failing part-way (gh-151112).

assemble_init() (3.11.2 Python/compile.c, 3.13.5 Python/assemble.c)
makes three bytes objects; when the second or third cannot be allocated
it decrefs the ones it made but leaves them in the assembler, whose
caller frees them again with assemble_free(). The second decref writes
into a freed pymalloc block (its free-list link), so a later allocation
of that size class returns a bad pointer.

One allocation fails while compile() runs, the nth, n = 0, 1, ...; after
each attempt some bytes objects of the sizes the assembler uses are made,
so a corrupted free list is used at once.

Expected: 3.11-vanilla dies with SIGSEGV (every run); 3.11-patched
(3.11/0012) and 3.13-patched (3.13/0008) print "no crash". (Not checked
on 3.13-vanilla: the same sweep first reaches the compiler_enter_scope
crash that 3.13/0005 fixes, and whether this double free crashes 3.13.5
depends on the address layout: about half the runs under ASLR.)
"""
import _testcapi

compile("pass", "<warmup>", "exec")
for n in range(300):
    _testcapi.set_nomemory(n, n + 1)
    try:
        compile("pass", "<s>", "exec")
    except (MemoryError, SystemError):
        # SystemError: some spots in the parser fail without setting an
        # exception (not what this script checks).
        pass
    finally:
        _testcapi.remove_mem_hooks()
    junk = [bytes(16 + n % 7) for _ in range(64)] + [bytes(32) for _ in range(64)]
    del junk
print("no crash", flush=True)
