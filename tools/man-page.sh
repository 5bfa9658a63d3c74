#!/bin/sh
# man-page.sh SOURCE.scd: the man page, on stdout, dated by when its source
# last changed (its last commit, or its mtime where it has uncommitted
# changes or no git), not by the day it was built: the same source then
# builds the same page on any day, and a build from before midnight
# still matches its source after it.
set -eu
src=$1
epoch=
if git diff --quiet HEAD -- "$src" 2>/dev/null; then
    epoch=$(git log -1 --format=%ct -- "$src" 2>/dev/null || true)
fi
[ -n "$epoch" ] || epoch=$(stat -c %Y "$src")
SOURCE_DATE_EPOCH=$epoch exec scdoc < "$src"
