"""shim_deps.py OBJ...: the call graph between the shim's object files, read
with nm (an undefined symbol of A defined by B is an edge A -> B). Prints
one line per file and exits 1 when the graph has a cycle (naming it), 2 on
a setup error, 0 otherwise."""
import os
import subprocess
import sys


def symbols(obj):
    out = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U":
            undefined.add(parts[1])
        elif len(parts) == 3 and parts[1] in "TDBRGSV":
            defined.add(parts[2])
    return defined, undefined


def main(objs):
    if not objs:
        print("shim_deps: no object files", file=sys.stderr)
        return 2
    names = {o: os.path.basename(o)[:-2] for o in objs}
    owner, needs = {}, {}
    for o in objs:
        defined, undefined = symbols(o)
        for s in defined:
            owner.setdefault(s, names[o])
        needs[names[o]] = undefined
    edges = {f: sorted({owner[s] for s in u if s in owner and owner[s] != f})
             for f, u in needs.items()}
    for f in sorted(edges):
        print("%s -> %s" % (f, " ".join(edges[f]) or "(leaf)"))
    # depth-first search for a back edge
    state, stack = {}, []

    def visit(f):
        state[f] = 1
        stack.append(f)
        for g in edges.get(f, []):
            if state.get(g) == 1:
                return stack[stack.index(g):] + [g]
            if g not in state:
                cycle = visit(g)
                if cycle:
                    return cycle
        stack.pop()
        state[f] = 2
        return None

    for f in sorted(edges):
        if f not in state:
            cycle = visit(f)
            if cycle:
                print("cycle: " + " -> ".join(cycle))
                return 1
    print("no cycles among %d files" % len(edges))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
