# child_first.py: a program for fork_engine.sh that runs a child before
# its body, as many do without knowing it (ctypes.util.find_library runs
# ldconfig -p), then a region that round-trips records through json.
# The child ran and was reaped before any point, counting none in a
# region: an exec'd trial's child could not fail either, so the fork
# engine forks its points (it exec'd them all while any child once had
# sent every later point to exec).
import ctypes.util
import json

import pyfault

libc = ctypes.util.find_library("c")
records = [{"id": i, "name": "n%d" % i, "tags": ["a", "b"] * (i % 4)} for i in range(60)]
with pyfault.region():
    text = json.dumps(records)
    back = json.loads(text)
assert back == records and libc
