"""Dict iteration: items, keys, values, comprehension into a new dict."""
from _common import window

D = {"k%d" % i: i for i in range(200)}


def body():
    out = {}
    for k, v in D.items():
        out[k.upper()] = v + 1000
    total = sum(D.values())
    keys = sorted(D.keys())
    return out, total, keys


window(body)
