# pyfault-scenario: gh134163-except-past-256
# issue: https://github.com/python/cpython/issues/134163
# plan: runtime
# layer: pymem
# timeout: 10
# expect: system=unwind-loop 3.11-vanilla=unwind-loop 3.11-regress=unwind-loop 3.13-vanilla=unwind-loop 3.11-patched=error|fatal 3.13-patched=error|fatal
#
# Every allocation fails inside an except body placed past code offset 256:
# exception_unwind must box the offset of the handler (lasti) in an int,
# which is not a cached small int past 256, cannot allocate it, and jumps
# back to itself forever.
import pyfault


def main():
    a = b = c = d = e = f = g = h = 0
    a += 1; b += 2; c += 3; d += 4; e += 5; f += 6; g += 7; h += 8
    a += 1; b += 2; c += 3; d += 4; e += 5; f += 6; g += 7; h += 8
    a += 1; b += 2; c += 3; d += 4; e += 5; f += 6; g += 7; h += 8
    a += 1; b += 2; c += 3; d += 4; e += 5; f += 6; g += 7; h += 8
    a += 1; b += 2; c += 3; d += 4; e += 5; f += 6; g += 7; h += 8
    a += 1; b += 2; c += 3; d += 4; e += 5; f += 6; g += 7; h += 8
    a += 1; b += 2; c += 3; d += 4; e += 5; f += 6; g += 7; h += 8
    a += 1; b += 2; c += 3; d += 4; e += 5; f += 6; g += 7; h += 8
    a += 1; b += 2; c += 3; d += 4; e += 5; f += 6; g += 7; h += 8
    a += 1; b += 2; c += 3; d += 4; e += 5; f += 6; g += 7; h += 8
    try:
        raise ValueError(a + b + c + d + e + f + g + h)
    except ValueError:
        pyfault.set_nomemory(0)
        [a, b, c]  # fails: MemoryError raised inside the handler


main()
