"""Raising a SyntaxError from the compiler and catching it."""
from _common import window


def body():
    try:
        compile("def f(:\n    return 1\n", "<bad>", "exec")
    except SyntaxError as e:
        return (e.lineno, e.msg)


window(body)
