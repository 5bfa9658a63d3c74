# pyfault-scenario: gh132002-contextvar-str-subclass
# issue: https://github.com/python/cpython/issues/132002
# plan: none
# layer: pymem
# inject: junk
# timeout: 10
# expect: system=segfault 3.11-vanilla=segfault 3.11-patched=segfault 3.11-regress=segfault 3.13-vanilla=error 3.13-patched=error
#
# A str subclass whose __eq__ makes it unhashable, used as a ContextVar
# name. On 3.11 hashing the name fails after the object is allocated but
# before its fields are set, and the error path releases those fields. The
# `junk` flag has the allocator fill new memory with junk bytes, so the
# crash does not depend on what the heap held before: it happens every
# time. In the pymem layer the object is a pymalloc block, which jemalloc's
# junk filling never sees; the pymem hooks fill new blocks themselves.
# Fixed upstream in 3.13.3 (TypeError: unhashable type).
import contextvars


class UnhashableName(str):
    def __eq__(self, other):
        return NotImplemented      # defining __eq__ drops __hash__


contextvars.ContextVar(UnhashableName("name"))
