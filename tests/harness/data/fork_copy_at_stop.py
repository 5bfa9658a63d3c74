# fork_copy_at_stop.py: a nameless file (a memfd of 12 MiB, slow to copy)
# that the region writes into slot by slot, between two allocations. A
# trial forked at a stop must have the file as it was there: every slot
# it checks still empty, as in an exec'd trial (ok). A trial that copied
# what the server wrote after the stop finds its slot taken (abort); that
# happened at 125 of 604 points while the server ran on during the copy.
# Oneshot only: a failed allocation is tried again, and nothing else in
# the region allocates.
import os

import pyfault

SLOTS = 100
FILL = 12 << 20
fd = os.memfd_create("slots")
os.pwrite(fd, b"\1" * FILL, 0)  # copied before the slots, which lie past it
os.ftruncate(fd, FILL + SLOTS)
seen = bytearray(1)
into = [seen]
at = [FILL + i for i in range(SLOTS)]
with pyfault.region():
    i = 0
    while i < SLOTS:
        while True:
            try:
                words = [str(i)] * 3
                os.preadv(fd, into, at[i])
                break
            except MemoryError:
                pass
        if seen[0]:
            os.abort()  # written after this trial's stop
        os.pwrite(fd, b"x", at[i])
        i += 1
