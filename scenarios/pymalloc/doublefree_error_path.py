# pyfault-scenario: ext-doublefree-error-path
# issue: pyfault issue 9 (the pymem layer keeps pymalloc, so this crashes)
# plan: oneshot
# layer: pymem
# needs: doublefree
# inject: site=squares
# timeout: 10
# expect: *=ok|error|segfault|abort|fatal
#
# Our own extension (scenarios/ext/doublefree.c) frees a 32-byte
# PyMem_Malloc block twice when an allocation inside squares() fails.
# The sweep fails each allocation squares() makes, once. In the pymem layer
# (the default) pymalloc stays underneath: the double free leaves the
# block on its pool's free list twice, the ints made next share those 32
# bytes, and the run crashes (segfault). Under layer=libc with
# PYTHONMALLOC=malloc the same points reach the shim's free, which aborts
# on the second free as glibc's does (tests/harness/test_pymem.c measures
# both). The expectation allows both, as the class depends on the layer.
import doublefree

try:
    doublefree.squares(60)
except MemoryError:
    pass
# Keep allocating objects of the scratch block's size class (small ints
# past the cache are 32-byte pymalloc blocks).
keep = [i * 1000003 for i in range(3000)]
print(sum(keep) % 97)
