# pyfault-scenario: bpo46090-frame-swap-wrong
# issue: https://bugs.python.org/issue46090
# plan: none
# layer: pymem
# needs: frameswap
# timeout: 10
# expect: *=segfault|abort
#
# The bug greenlet-like extensions had after 3.11 moved frames onto the
# thread's data stack: restore the current frame but not the data stack.
# The thread goes on pushing frames into the chunk that was freed.
import frameswap


def deep(n):
    return n if n == 0 else deep(n - 1) + 1


frameswap.call_restoring_frame_only(deep, 10)
print(deep(50))
