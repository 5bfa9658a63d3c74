# fork_threads.py: a second thread stays alive across the region, so the
# fork engine must fall back to exec at every point of it (a fork would
# copy one thread of two).
import threading

import pyfault

stop = threading.Event()
worker = threading.Thread(target=stop.wait, args=(30,))
worker.start()
try:
    with pyfault.region():
        words = ["w%d" % i for i in range(10)]
        joined = ",".join(words)
        assert joined.split(",") == words
finally:
    stop.set()
    worker.join()
print("done")
