# pyfault-scenario: gh134163-with-cleanup
# issue: https://github.com/python/cpython/issues/134163
# plan: runtime
# layer: pymem
# timeout: 10
# expect: system=unwind-loop 3.11-vanilla=unwind-loop 3.11-regress=unwind-loop 3.13-vanilla=unwind-loop 3.11-patched=error|fatal 3.13-patched=error|fatal
#
# The cleanup handler of a `with` block pushes lasti: with the block past
# offset 256 and every allocation failing in its body, the unwind loops.
import pyfault


class Resource:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


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
    with Resource():
        pyfault.set_nomemory(0)
        [a, b, c]  # fails inside the with block


main()
