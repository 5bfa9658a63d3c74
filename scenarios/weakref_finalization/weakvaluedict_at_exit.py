# pyfault-scenario: weakvaluedictionary-callbacks-at-exit
# issue: https://bugs.python.org/issue38006
# plan: none
# layer: pymem
# timeout: 10
# expect: *=ok
#
# WeakValueDictionary entries whose values sit in reference cycles, left
# for interpreter exit: the collector at finalization kills the values and
# the dictionaries' remove() callbacks run while modules are torn down.
import weakref


class Node:
    def __init__(self, name):
        self.name = name
        self.self_ref = self        # a cycle: only the collector frees it


registries = []
for r in range(5):
    registry = weakref.WeakValueDictionary()
    for i in range(200):
        node = Node("%d-%d" % (r, i))
        node.registry = registry    # the value refers back to its dict
        registry[node.name] = node
    registries.append(registry)
del node
