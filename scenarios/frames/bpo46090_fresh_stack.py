# pyfault-scenario: bpo46090-frame-swap-correct
# issue: https://bugs.python.org/issue46090
# plan: oneshot
# layer: pymem
# inject: site=frameswap_run
# needs: frameswap
# stride: 5
# timeout: 10
# expect: *=ok|error
#
# A greenlet-like extension runs calls on a fresh frame and data stack and
# restores the thread's frame, data-stack chunk, top, limit and recursion
# depth afterwards. Done right, it survives a failing allocation anywhere
# inside the swapped call (site=frameswap_run: the extension's own code).
import frameswap


def deep(n):
    return n if n == 0 else deep(n - 1) + 1


def work(n):
    out = [deep(30) for _ in range(n)]
    try:
        raise ValueError(n)
    except ValueError as e:
        out.append(str(e))
    return out


total = 0
for i in range(20):
    total += len(frameswap.call_on_fresh_stack(work, 3))
    total += deep(40)
print(total)
