# fork_precopy.py: imports that give the fork server a heap of some
# megabytes, then a region whose failures the script absorbs, for
# test_fork_precopy. Every trial runs on to finalization, which writes
# nearly every page the server holds; with FORK_PRECOPY_EXIT=1 the script
# ends by os._exit(0) right after the region, before its trials have
# written much.
#
# A file in FORK_PRECOPY_DIR, mapped private before the region: after the
# region, once the collector has written the heap (a trial has copied it
# by then), none of the mapping's pages may be a copy (smaps), and the
# script writes the file and reads it through the mapping. A page of a
# private mapping not written yet follows its file, in an exec'd trial
# and in a forked one alike; copied early, it would not.
import decimal
import email.parser
import gc
import json
import mmap
import os
import sys
import tempfile

import pyfault

SIZE = 1 << 16
quick = os.environ.get("FORK_PRECOPY_EXIT") == "1"
fd, path = tempfile.mkstemp(dir=os.environ.get("FORK_PRECOPY_DIR"))
os.write(fd, b"a" * SIZE)
view = mmap.mmap(fd, SIZE, flags=mmap.MAP_PRIVATE)
assert view[0] == ord("a") and view[SIZE - 1] == ord("a")
with pyfault.region():
    try:
        rows = [{"n": i, "name": "row%d" % i} for i in range(8)]
        text = json.dumps(rows)
        total = sum(decimal.Decimal(r["n"]) for r in json.loads(text))
    except MemoryError:
        total = None
if quick:
    os._exit(0)
gc.collect()
kept = [str(i) for i in range(4096)]  # allocations that go through: polls


def anonymous_kib(path):
    """The Anonymous: figure of the mapping of PATH in /proc/self/smaps."""
    with open("/proc/self/smaps") as f:
        inside = False
        for line in f:
            if "-" in line.split(" ", 1)[0]:
                # "(deleted)" after it once a trial has unlinked it
                inside = " " + path in line
            elif inside and line.startswith("Anonymous:"):
                return int(line.split()[1])
    raise AssertionError("no mapping of " + path)


# none of the mapping's pages copied: not by this trial, whoever wrote
# the file before
assert anonymous_kib(path) == 0, "a private file mapping was copied"
os.pwrite(fd, b"b" * SIZE, 0)
assert view[0] == ord("b") and view[SIZE - 1] == ord("b"), "the mapping stopped following its file"
try:
    os.unlink(path)  # a forked trial shares the server's file
except FileNotFoundError:
    pass
print(total)
sys.stdout.flush()
