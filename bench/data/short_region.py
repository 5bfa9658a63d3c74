# short_region.py: a short body inside a region after the interpreter's
# start-up, for bench/fork_faults.sh: each trial runs a few milliseconds
# of the target, then the interpreter's finalization.
import json

import pyfault

with pyfault.region():
    data = {"k%d" % i: [i, str(i)] for i in range(8)}
    assert json.loads(json.dumps(data)) == data
