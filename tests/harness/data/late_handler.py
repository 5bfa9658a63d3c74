# late_handler.py: gh-134163 on CPython 3.11. The except body below sits
# past code-unit offset 256 of main()'s code object; once every allocation
# fails inside it, exception_unwind cannot box that offset (PyLong_FromLong
# only has cached small ints up to 256) and jumps back to itself forever.
# pyfault must call this unwind-loop within a few seconds.
import pyfault


def main():
    a = b = c = d = e = f = g = h = 0
    # straight-line padding: pushes the handler well past offset 256
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
        [a, b, c]  # allocates: MemoryError raised inside the handler


main()
