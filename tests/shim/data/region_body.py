"""region_body.py: imports and set-up outside a region, a body inside one.

Prints, one per line:
  imports E A        eligible and all allocations when the imports are done
  body R D           the region's eligible count R, and D, the allocations
                     between the first and the last statement of the body
                     (pyfault.allocations() deltas)
  empty R0 D0        the same for a region holding only those two reads
  first F            pyfault.allocations() read first thing in the body
  injected K         failures injected in all
  memoryerror WHERE  if a MemoryError left the region ("body") or the
                     empty one ("empty")
The allocations inside a region but outside the two reads are the same
in both regions, so R - R0 == D - D0 exactly when the shim counts a
region's allocations and only them.
"""
import decimal
import email.message
import fractions
import json
import xml.dom.minidom

import pyfault

DOC = {"name": "pyfault", "values": [i * 3 for i in range(40)],
       "nested": {"a": [1, 2, {"b": "c" * 30}]}}
e = pyfault.eligible()
print("imports", e, pyfault.allocations(), flush=True)


def body():
    text = json.dumps(DOC, sort_keys=True)
    back = json.loads(text)
    total = sum(decimal.Decimal(v) / 7 for v in back["values"])
    frac = fractions.Fraction(22, 7) ** 3
    msg = email.message.EmailMessage()
    msg["Subject"] = "x%s" % frac
    dom = xml.dom.minidom.parseString("<a><b n='1'/><b n='2'/></a>")
    return len(text) + len(str(total)) + len(dom.getElementsByTagName("b"))


def measure(where):
    # locals only: a new global would grow the module's dict, and that
    # growth would fall in one region and not the other
    e0 = pyfault.eligible()
    with pyfault.region():
        first = pyfault.allocations()
        body()
        last = pyfault.allocations()
    e1 = pyfault.eligible()
    where[0] = "empty"
    with pyfault.region():
        b0 = pyfault.allocations()
        b1 = pyfault.allocations()
    e2 = pyfault.eligible()
    return e1 - e0, last - first, e2 - e1, b1 - b0, first


where = ["body"]
try:
    r, d, r0, d0, first = measure(where)
    print("body", r, d)
    print("empty", r0, d0)
    print("first", first)
except MemoryError:
    print("memoryerror", where[0])
print("injected", pyfault.injected())
