"""json: dumps and loads of nested data."""
import json

from _common import window

DATA = {"a": [1, 2.5, "three", None, True], "b": {"c%d" % i: ["x" * i, i * 1.5, {"d": [i] * 3}] for i in range(40)}, "n": 10**20}


def body():
    text = json.dumps(DATA, sort_keys=True)
    back = json.loads(text)
    return back == DATA


window(body)
