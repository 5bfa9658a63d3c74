#!/bin/sh
# build.sh VARIANT: builds one CPython variant out of tree in
# build/cpython/VARIANT. Patched variants build from their own copy of
# the upstream source, build/cpython/src/VARIANT, with the patches applied.
set -eu

variant=$1
. tools/cpython/variant.sh
start=$(date +%s)
# pyfault's own make variables (CFLAGS=, OPT=, V=...) travel in MAKEFLAGS;
# CPython's configure and make must not see them: OPT= would drop NDEBUG.
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL
top=$(pwd)
cpy=build/cpython
bdir=$cpy/$variant
# The machine is shared: two makes must not build into the same dirs.
mkdir -p "$cpy"
exec 9>"$cpy/.build.lock"
flock 9
pristine=$(tools/cpython/fetch.sh "$series")
upstream=${pristine##*/Python-}

# apply_patches DIR: applies the variant's patches to DIR in order. Each
# is tried with --dry-run first, so a patch that does not apply leaves
# nothing half-done and is reported with its file and hunk. --fuzz=0:
# a hunk whose context no longer matches exactly is an error, as with
# git am, rather than a guess at where the code went.
apply_patches() {
    d=$1
    for p in $(patch_list); do
        if ! out=$(patch -p1 -N --fuzz=0 --dry-run --batch -d "$d" < "$p" 2>&1); then
            # GNU patch: "patching file F" then "Hunk #N FAILED at L."
            # (or "can't find file", "Reversed ... patch detected").
            why=$(echo "$out" | awk '
                /^(checking|patching) file / { f = $3 }
                /can.t find file to patch/ { miss = 1; f = "" }
                miss && /^\|\+\+\+ / { f = $2; sub(/^[ab]\//, "", f) }
                miss && !msg && f != "" && /^-+$/ { msg = f ": file to patch not found" }
                !msg && /^Hunk #[0-9]+ FAILED/ { msg = f ": hunk " $2 " FAILED at line " $5 }
                !msg && /Reversed .* patch detected/ { msg = f ": already applied (reversed patch detected)" }
                !msg && /malformed patch/ { msg = "malformed patch: " $0 }
                END { print msg }')
            echo "cpython: $p does not apply to $variant: ${why:-$(echo "$out" | tail -n 1)}" >&2
            return 1
        fi
        # Called from an || list, where set -e is off: check explicitly.
        patch -p1 -N --fuzz=0 --batch --no-backup-if-mismatch -s -d "$d" < "$p" || {
            echo "cpython: $p failed to apply to $variant after a clean dry run" >&2
            return 1; }
    done
}

# sync_tree NEW OLD: makes OLD equal to NEW, touching only the files that
# differ, so that make in the build dir recompiles only what changed.
# Prints the paths it changed, one a line.
sync_tree() {
    new=$1 old=$2
    # __pycache__: written into Lib by running the interpreters; not source.
    LC_ALL=C diff -rq -x __pycache__ "$new" "$old" | while IFS= read -r line; do
        case "$line" in
            "Files "*" differ")
                f=${line#Files }; f=${f%% and *}; rel=${f#"$new"/}
                # Plain cp (no -p): the copy gets a new mtime.
                cp "$new/$rel" "$old/$rel"; echo "$rel" ;;
            "Only in $new"*)
                dir=${line#Only in }; dir=${dir%%: *}; name=${line#*: }
                rel=${dir#"$new"}; rel=${rel#/}
                cp -r "$dir/$name" "$old/${rel:+$rel/}$name"; echo "${rel:+$rel/}$name" ;;
            "Only in $old"*)
                dir=${line#Only in }; dir=${dir%%: *}; name=${line#*: }
                rm -rf "${dir:?}/$name"; echo "${dir#"$old"}/$name" ;;
        esac
    done
}

# build_inputs: reads paths, prints those make alone would not handle
# right incrementally: headers (3.11's setup.py extensions do not track
# them) and configure/Makefile/Setup inputs.
build_inputs() {
    grep -E '(\.h|\.in|\.ac|/configure|^configure|setup\.py|Modules/Setup[^/]*)$' || true
}

if [ -n "$patchdir" ]; then
    src=$cpy/src/$variant
    # Apply onto a fresh copy of the upstream source, then sync it into
    # the variant's tree: a changed patch recompiles only what it touches.
    rm -rf "$src.new"
    cp -a "$pristine" "$src.new"
    apply_patches "$src.new" || { rm -rf "$src.new"; exit 1; }
    if [ -d "$src" ]; then
        changed=$(sync_tree "$src.new" "$src")
        rm -rf "$src.new"
        if [ -n "$(echo "$changed" | build_inputs)" ] && [ -d "$bdir" ]; then
            echo "cpython: $variant: headers or build files changed, full rebuild"
            rm -rf "$bdir"
        fi
    else
        mv "$src.new" "$src"
    fi
else
    src=$pristine
fi

mkdir -p "$bdir"
sig=$(tools/cpython/signature.sh "$variant")
conf="configure: $CONFIGURE_ARGS opt: $OPT_FLAGS src: $src"
# Configure once; again only if the flags or the source dir changed.
if [ ! -f "$bdir/Makefile" ] || [ "$(cat "$bdir/.pyfault-configure" 2>/dev/null)" != "$conf" ]; then
    # shellcheck disable=SC2086 # CONFIGURE_ARGS is a list of options
    if ! (cd "$bdir" && "$top/$src/configure" $CONFIGURE_ARGS OPT="$OPT_FLAGS" > configure.log 2>&1); then
        echo "cpython: configure failed for $variant: $(tail -n 1 "$bdir/configure.log") (see $bdir/configure.log)" >&2
        exit 1
    fi
    echo "$conf" > "$bdir/.pyfault-configure"
fi

jobs=$(nproc)
if ! make -C "$bdir" -j"$jobs" > "$bdir/build.log" 2>&1; then
    err=$(grep -E 'error:|Error [0-9]' "$bdir/build.log" | head -n 1)
    echo "cpython: make failed for $variant: ${err:-see log} (see $bdir/build.log)" >&2
    exit 1
fi
secs=$(( $(date +%s) - start ))

# A useful build has these; ssl is optional.
if ! out=$("$bdir/python" -c 'import _testcapi, ctypes, zlib, _ctypes; print(1)' 2>&1); then
    echo "cpython: $variant lacks a required module: $(echo "$out" | tail -n 1)" >&2
    exit 1
fi
# --disable-gil must have given a free-threaded build (Py_GIL_DISABLED).
if [ "$gil" = disabled ]; then
    ft=$("$bdir/python" -c 'import sysconfig; print(sysconfig.get_config_var("Py_GIL_DISABLED"))')
    [ "$ft" = 1 ] || { echo "cpython: $variant is not free-threaded (Py_GIL_DISABLED=$ft)" >&2; exit 1; }
fi
version=$("$bdir/python" -c 'import sys; print(sys.version.split()[0])')
[ "$version" = "$upstream" ] || { echo "cpython: $variant reports version $version, expected $upstream" >&2; exit 1; }

dsc=$(ls "$cpy/src/python${series}_${upstream}"-*.dsc | tail -n 1)
orig=$(ls "$cpy/src/python${series}_${upstream}".orig.tar.gz "$cpy/src/python${series}_${upstream}".orig.tar.xz 2>/dev/null | head -n 1)
{
    echo "variant: $variant"
    echo "version: $version"
    echo "source: Debian source package $(basename "$dsc" .dsc), upstream tarball only (no Debian patches)"
    echo "tarball: $(basename "$orig") sha256 $(sha256sum "$orig" | cut -d' ' -f1)"
    echo "srcdir: $top/$src"
    echo "python: $top/$bdir/python"
    echo "includes: -I$top/$src/Include -I$top/$bdir"
    echo "configure: $CONFIGURE_ARGS OPT=\"$OPT_FLAGS\""
    n=0
    for p in $(patch_list); do
        echo "patch: $p sha256 $(sha256sum "$p" | cut -d' ' -f1)"
        n=$((n + 1))
    done
    echo "patches: $n"
    echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ) in ${secs}s"
} > "$bdir/pyfault-variant.txt"
echo "$sig" > "$bdir/.pyfault-signature"
echo "cpython: $variant built in ${secs}s, patch+configure+make ($bdir/python, $version)"
