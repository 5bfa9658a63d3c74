"""compile() of a small function: the window reaches the assembler, whose
gh-151112 double free (assemble_init) crashes 3.11.2 and 3.13.5 when
pymalloc is in place."""
from _common import window

SRC = "def f(x):\n    return [x + 1, {'k': x}]\n"


def body():
    compile(SRC, "<small>", "exec")


window(body)
