#!/bin/sh
# build-ext.sh PYTHON NAME OUTDIR: builds scenarios/ext/NAME.c against the
# interpreter PYTHON (its own headers and extension suffix, from sysconfig)
# into OUTDIR. Rebuilds only when the source or the interpreter changed.
set -eu
PY=$1
NAME=$2
OUT=$3
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SRC="$ROOT/scenarios/ext/$NAME.c"
[ -f "$SRC" ] || { echo "build-ext: no extension source $SRC" >&2; exit 2; }
# One line: include dir, extension suffix, build-time CFLAGS' -I for pyconfig.
INFO=$("$PY" -c 'import sysconfig as s; print(s.get_paths()["include"], s.get_config_var("EXT_SUFFIX"), s.get_paths().get("platinclude", ""))') ||
    { echo "build-ext: $PY cannot report its build configuration" >&2; exit 2; }
set -- $INFO
INC=$1
SUFFIX=$2
PLATINC=${3:-$1}
[ -f "$INC/Python.h" ] || { echo "build-ext: no Python.h in $INC (install the interpreter's -dev package)" >&2; exit 2; }
mkdir -p "$OUT"
TARGET="$OUT/$NAME$SUFFIX"
if [ -f "$TARGET" ] && [ "$TARGET" -nt "$SRC" ] && [ "$TARGET" -nt "$PY" ]; then
    exit 0
fi
${CC:-cc} -shared -fPIC -g -O1 -Wall -Wextra -Wno-missing-field-initializers \
    -Wno-cast-function-type -I"$INC" -I"$PLATINC" -o "$TARGET.tmp" "$SRC"
mv "$TARGET.tmp" "$TARGET"
