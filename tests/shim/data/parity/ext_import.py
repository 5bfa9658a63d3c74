"""The first import of a C extension module (a shared object)."""
import sys

from _common import window

NAME = next(n for n in ("_decimal", "_bz2", "_lzma", "_sqlite3", "_zoneinfo")
            if n not in sys.modules and n not in sys.builtin_module_names)


def body():
    __import__(NAME)


window(body)
