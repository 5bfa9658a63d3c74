# fork_read_file.py: reads this file a line at a time, unbuffered, and
# checks each line against a copy read before; a line that differs
# aborts. Only the check is inside a region, and a failure there is
# caught, so every trial reads on to the end. For the fork engine's test
# of private file offsets: a forked trial that shared the fork server's
# offset read on from wherever the server or another trial had left it.
import os

import pyfault

with open(__file__, "rb") as f:
    expected = f.read().split(b"\n")

number = 0
with open(__file__, "rb", buffering=0) as f:
    for line in iter(f.readline, b""):
        try:
            with pyfault.region():
                same = line.rstrip(b"\n") == expected[number]
        except MemoryError:
            same = True  # the failure was the check's own allocation
        if not same:
            os.abort()
        number += 1
if number != len(expected) - 1:
    os.abort()
print("done")
