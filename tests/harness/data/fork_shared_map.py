# fork_shared_map.py: a flag in a writable shared mapping (mmap.mmap(-1,
# n) is MAP_SHARED), set after the region. Each exec'd trial has its own
# page and ends ok; a forked trial would share the server's, so that the
# first trial's flag reached the server and every later trial (abort).
# The fork engine must exec every point of it.
import mmap
import os

import pyfault

m = mmap.mmap(-1, 4096)
with pyfault.region():
    try:
        words = [str(j) for j in range(20)]
    except MemoryError:
        pass
if m[0]:
    os.abort()
m[0] = 1
print("done")
