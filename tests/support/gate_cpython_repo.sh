#!/bin/sh
# gate_cpython_repo.sh DIR SRC: makes DIR a git repository of the CPython
# source SRC (upstream 3.11.2) with eight commits, for the CPython bisect
# test; reuses DIR (and its in-tree build) when it already has them.
#   c0 Python 3.11.2                      c4 unrelated (Misc/)
#   c1 unrelated (README.rst)             c5 patches/3.11-regress bpo-38006
#   c2 unrelated (Doc/)                      revert: the regression
#   c3 patches/3.11 gh-134163: the fix    c6, c7 unrelated (Doc/, Tools/)
# Each commit's subject starts with its name ("c3: ...").
set -eu
d=$1
src=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
if [ -d "$d/.git" ] && [ "$(git -C "$d" log --format=%s | wc -l)" = 8 ] &&
   git -C "$d" log --format=%s | grep -q '^c7: '; then
    git -C "$d" bisect reset >/dev/null 2>&1 || true
    git -C "$d" checkout -q main
    exit 0
fi
rm -rf "$d"
mkdir -p "$d"
cp -a "$src/." "$d/"
rm -f "$d/.pyfault-extracted"
cd "$d"
git init -q -b main
git config user.email t@example.com
git config user.name test
git config commit.gpgsign false
git config gc.auto 0
commit() { git add -A && git commit -q -m "$1"; }
commit "c0: Python 3.11.2"
echo "A note for the bisect test." >> README.rst; commit "c1: README note"
echo ".. bisect test note" >> Doc/whatsnew/3.11.rst; commit "c2: Doc note"
fix=$(ls "$top"/patches/3.11/0001-gh-134163-*.patch)
patch -p1 -s --fuzz=0 < "$fix"; commit "c3: gh-134163 fix (patches/3.11)"
echo "bisect test" > Misc/bisect-note.txt; commit "c4: Misc note"
regress=$(ls "$top"/patches/3.11-regress/0001-revert-bpo-38006-*.patch)
patch -p1 -s --fuzz=0 < "$regress"; commit "c5: revert bpo-38006 (patches/3.11-regress)"
echo ".. another note" >> Doc/whatsnew/3.11.rst; commit "c6: Doc note"
echo "bisect test" >> Tools/README; commit "c7: Tools note"
