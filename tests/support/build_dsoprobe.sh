#!/bin/sh
# build_dsoprobe.sh PYTHON OUTDIR: builds the dso= filter's pair against
# the interpreter PYTHON: scenarios/ext/dsoprobe_lib.c into
# OUTDIR/libdsoprobe_lib.so, and scenarios/ext/dsoprobe.c, linked with it
# (found through an $ORIGIN rpath), into OUTDIR/dsoprobe$EXT_SUFFIX.
# Prints the extension's path. -O0 and no sibling-call optimisation, so
# that every allocation keeps its caller's frame on the stack.
set -eu
PY=$1
OUT=$2
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
INFO=$("$PY" -c 'import sysconfig as s; print(s.get_paths()["include"], s.get_config_var("EXT_SUFFIX"), s.get_paths().get("platinclude", ""))') ||
    { echo "build_dsoprobe: $PY cannot report its build configuration" >&2; exit 2; }
set -- $INFO
INC=$1
SUFFIX=$2
PLATINC=${3:-$1}
[ -f "$INC/Python.h" ] || { echo "build_dsoprobe: no Python.h in $INC" >&2; exit 3; }
mkdir -p "$OUT"
FLAGS="-g -O0 -fno-optimize-sibling-calls -fno-omit-frame-pointer -fPIC -Wall -Wextra -Wno-missing-field-initializers"
${CC:-cc} $FLAGS -shared -o "$OUT/libdsoprobe_lib.so" "$ROOT/scenarios/ext/dsoprobe_lib.c"
${CC:-cc} $FLAGS -shared -I"$INC" -I"$PLATINC" -o "$OUT/dsoprobe$SUFFIX" \
    "$ROOT/scenarios/ext/dsoprobe.c" -L"$OUT" -ldsoprobe_lib -Wl,-rpath,'$ORIGIN'
echo "$OUT/dsoprobe$SUFFIX"
