# fork_region.py: a body inside a region after imports outside it, for the
# fork engine's equivalence test: a sweep with `--inject region` visits
# only the body's allocations.
import json
import re

import pyfault

with pyfault.region():
    data = {"k%d" % i: [i, str(i), {"x": i}] for i in range(12)}
    text = json.dumps(data, sort_keys=True)
    assert json.loads(text) == data
    assert re.findall(r"k\d+", text)[:2] == ["k0", "k1"]
print("done")
