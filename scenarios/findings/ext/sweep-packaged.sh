#!/bin/sh
# sweep-packaged.sh OUTDIR NAME SRCPKG BINPKG SOGLOB TESTS [PYTEST ARGS...]:
# sweeps Debian's installed BINPKG (a C extension for /usr/bin/python3.11)
# with the tests of its own source package. The source package of exactly
# the installed version is fetched with `apt-get source --download-only`
# (tools/cpython/sources.sh adds the bookworm deb-src entry) into
# OUTDIR/src. Fallback: when no upstream tarball of that version can be
# fetched (a security update whose source is not on the mirror), the
# bookworm source package is taken if its upstream version is the same
# (the output says so); if even the upstream version differs, a one-line
# error and exit 2. The upstream tarball's TESTS folder is copied to
# OUTDIR/NAME-tests (without __init__.py, so the installed package, not the
# source tree, is imported) and `pyfault pytest` runs there with
# dso=SOGLOB (the extension's .so), --plan sites:log, into OUTDIR/NAME.
# Environment, for suites that need more:
#   DATA="DIR ..."  tarball folders the tests read beside their own path:
#                   TESTS and each DIR are copied at their relative paths
#                   into OUTDIR/NAME-tree, TESTS keeps its __init__.py (for
#                   tests that import each other relatively) and pytest
#                   runs in that tree; nothing else of the source is there
#   INJECT=FILTERS  more spec filters after dso= (e.g. layer=all)
#   PLAN=PLAN       instead of sites:log (all, sites, sites:K)
#   STRIDE=K        one call site in K of each test (pytest --stride)
#   PACKAGED="FILE ..."  the tests are files the installed BINPKG itself
#                   ships (paths under dist-packages, e.g.
#                   regex/test_regex.py): the upstream tests of exactly
#                   the installed version, for a package whose source is
#                   not on the mirror; TESTS is then unused (give "-")
# Prints the version, the wall time, the tests, points and trials, and the
# findings by class. Exit 0 whatever the findings are; 2 when the sweep
# itself could not run.
set -eu
OUT=$1 NAME=$2 SRC=$3 BIN=$4 SO=$5 TESTS=$6
shift 6
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
PY=/usr/bin/python3.11
VER=$(dpkg-query -W -f='${source:Version}' "$BIN" 2>/dev/null) ||
    { echo "findings-ext: $BIN is not installed" >&2; exit 2; }
BINVER=$(dpkg-query -W -f='${Version}' "$BIN")
# upstream VERSION: a Debian version without its epoch and revision
upstream() { v=${1#*:}; echo "${v%-*}"; }
UP=$(upstream "$VER")
mkdir -p "$OUT/src"
OUT=$(cd "$OUT" && pwd)
cd "$OUT/src"
# from_source: the upstream tarball's TESTS (and DATA) into RUNDIR/SEL
from_source() {
    if ! ls "${SRC}_${UP}".orig.tar.* >/dev/null 2>&1; then
        # the Debian part may be missing from a mirror; the upstream tarball,
        # which holds the tests, is what this needs
        apt-get source --download-only -qq "$SRC=$VER" >/dev/null 2>&1 || true
    fi
    USED="source $SRC $VER"
    if ! ls "${SRC}_${UP}".orig.tar.* >/dev/null 2>&1 ||
        [ "$(cut -d' ' -f1 "$SRC.fallback" 2>/dev/null)" = "$VER" ]; then
        # the installed version's source is not on the mirror (nor was it on
        # an earlier run, which left $SRC.fallback): bookworm's, when it has
        # the same upstream version, has the same upstream tests
        # (--print-uris leaves out the files already in its directory: ask
        # from an empty one)
        mkdir -p .probe && rm -f .probe/*
        BW=$(cd .probe && apt-get source --print-uris -qq "$SRC/bookworm" 2>/dev/null |
            sed -n "s/^'[^']*' ${SRC}_\\([^ ]*\\)\\.dsc .*/\\1/p")
        [ -n "$BW" ] || { echo "findings-ext: neither $SRC=$VER nor $SRC/bookworm is a source package apt can fetch" >&2; exit 2; }
        [ "$(upstream "$BW")" = "$UP" ] || { echo "findings-ext: source $SRC $VER is not on the mirror and bookworm's $BW is upstream $(upstream "$BW"), not $UP: refusing" >&2; exit 2; }
        ls "${SRC}_${UP}".orig.tar.* >/dev/null 2>&1 ||
            apt-get source --download-only -qq "$SRC/bookworm" >/dev/null 2>&1 || true
        echo "$VER $BW" > "$SRC.fallback"
        USED="source $SRC $VER not on the mirror: its upstream $UP tests from bookworm's $SRC $BW"
    fi
    ORIG=$(ls "${SRC}_${UP}".orig.tar.* 2>/dev/null | head -n 1)
    [ -n "$ORIG" ] || { echo "findings-ext: apt-get source $SRC fetched no upstream tarball of $UP" >&2; exit 2; }
    rm -rf "$OUT/src/$NAME" && mkdir -p "$OUT/src/$NAME"
    tar xf "$ORIG" -C "$OUT/src/$NAME" --strip-components=1
    if [ -n "${DATA:-}" ]; then
        RUNDIR=$OUT/$NAME-tree SEL=$TESTS
        rm -rf "$RUNDIR"
        for d in "$TESTS" $DATA; do
            [ -d "$OUT/src/$NAME/$d" ] || { echo "findings-ext: $NAME: no folder $d in $ORIG" >&2; exit 2; }
            mkdir -p "$RUNDIR/$(dirname "$d")"
            cp -r "$OUT/src/$NAME/$d" "$RUNDIR/$d"
        done
    else
        RUNDIR=$OUT SEL=$NAME-tests
        rm -rf "$OUT/$NAME-tests" && cp -r "$OUT/src/$NAME/$TESTS" "$OUT/$NAME-tests"
        rm -f "$OUT/$NAME-tests/__init__.py"
    fi
}

# from_package: the PACKAGED files the installed BINPKG ships into RUNDIR/SEL
from_package() {
    SITE=/usr/lib/python3/dist-packages
    RUNDIR=$OUT SEL=$NAME-tests
    rm -rf "$OUT/$NAME-tests" && mkdir -p "$OUT/$NAME-tests"
    for f in $PACKAGED; do
        [ "$(dpkg-query -S "$SITE/$f" 2>/dev/null | cut -d: -f1)" = "$BIN" ] ||
            { echo "findings-ext: $NAME: $BIN does not ship $SITE/$f" >&2; exit 2; }
        cp "$SITE/$f" "$OUT/$NAME-tests/"
    done
    USED="the tests $BIN $BINVER ships ($PACKAGED), those of source $SRC $VER"
}

if [ -n "${PACKAGED:-}" ]; then
    from_package
else
    from_source
fi
FILTERS="dso=$SO${INJECT:+,$INJECT}"
cd "$RUNDIR"
start=$(date +%s)
status=0
"$ROOT/build/pyfault" pytest --python "$PY" -j "${JOBS:-2}" --plan "${PLAN:-sites:log}" \
    --stride "${STRIDE:-1}" \
    --inject "$FILTERS" --out "$OUT/$NAME" -- "$SEL" "$@" \
    > "$OUT/$NAME.log" 2> "$OUT/$NAME.err" || status=$?
end=$(date +%s)
[ "$status" -le 1 ] || { echo "findings-ext: $NAME: pyfault pytest exit $status:" >&2; tail -n 3 "$OUT/$NAME.err" >&2; exit 2; }
echo "findings-ext: $NAME ($BIN $BINVER, $USED, $FILTERS, plan ${PLAN:-sites:log}, stride ${STRIDE:-1}): $((end - start)) s"
"$PY" - "$OUT/$NAME/results.json" <<'PYEOF'
import collections, json, sys
r = json.load(open(sys.argv[1]))
tests = r["pytest"]["tests"]
status = collections.Counter(t["status"] for t in tests)
points = sum(t.get("points", 0) for t in tests)
alloc = sum(t.get("region_allocations", 0) for t in tests)
print("  tests: %d (%s); points swept: %d of %d in-call allocations; trials: %d"
      % (len(tests), ", ".join("%s %d" % kv for kv in sorted(status.items())),
         points, alloc, len(r["trials"])))
print("  trials by class: " + ", ".join("%s %d" % kv for kv in sorted(r["counts"].items())))
for f in r["findings"]:
    if f["class"] in ("ok", "error"):
        continue
    print("  %s x %d in %s\n    repro: %s" % (f["signature"], f["count"],
          ", ".join(f["scenarios"][:3]) + (" ..." if len(f["scenarios"]) > 3 else ""), f["repro"]))
crashes = [f for f in r["findings"] if f["class"] not in ("ok", "error")]
if not crashes:
    print("  clean: no finding beyond ok and error in %d points" % points)
for t in tests:
    if t["status"] == "flaky":
        print("  skipped: %s: %s" % (t["nodeid"], t["note"]))
PYEOF
