"""re: compiling a fresh pattern and matching with it."""
import re

from _common import window


def body():
    pat = re.compile(r"(?P<word>[a-z]+)-(\d{2,4})(?:x|y)*$", re.I)
    m = pat.match("Alpha-2024xy")
    return m.group("word") if m else None


window(body)
