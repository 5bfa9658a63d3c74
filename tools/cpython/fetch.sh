#!/bin/sh
# fetch.sh SERIES: downloads Debian's source package for CPython SERIES
# (3.11 from bookworm, 3.13 from trixie, 3.14 and 3.15 from sid) into build/cpython/src/ and
# extracts only the upstream .orig tarball, so no Debian patch is applied.
# Prints the extracted directory.
set -eu

series=$1
case "$series" in
    3.11) pkg=python3.11 upstream=3.11.2 ;;
    3.13) pkg=python3.13 upstream=3.13.5 ;;
    3.14) pkg=python3.14 upstream=3.14.9 ;;
    3.15) pkg=python3.15 upstream=3.15.2 ;;
    *) echo "cpython: unknown series '$series' (3.11, 3.13, 3.14 or 3.15)" >&2; exit 1 ;;
esac
src=build/cpython/src
mkdir -p "$src"
# One fetch at a time (build.sh holds another lock, on another file).
exec 8>"$src/.fetch.lock"
flock 8
dest="$src/Python-$upstream"
# The .orig may be .tar.gz or .tar.xz; whichever the .dsc names.
orig=$(ls "$src/${pkg}_${upstream}".orig.tar.gz "$src/${pkg}_${upstream}".orig.tar.xz 2>/dev/null | head -n 1 || true)

# version: the newest Debian revision of $upstream that apt knows of.
find_version() {
    apt-cache showsrc "$pkg" 2>/dev/null | awk -v u="$upstream" \
        '$1 == "Version:" && index($2, u "-") == 1 {print $2}' | sort -V | tail -n 1
}

if [ -z "$orig" ]; then
    version=$(find_version)
    # The source entry may be configured but its index not yet fetched.
    if [ -z "$version" ]; then
        apt-get update -qq
        version=$(find_version)
    fi
    if [ -z "$version" ]; then
        echo "cpython: no source package $pkg $upstream-* known to apt (run tools/cpython/sources.sh)" >&2
        exit 1
    fi
    # apt-get source downloads .dsc, .orig and .debian.tar; we use the
    # .dsc (to check the tarball) and the .orig, and ignore the rest.
    log=$(cd "$src" && apt-get source --download-only "$pkg=$version" 2>&1) || {
        echo "cpython: apt-get source --download-only $pkg=$version failed: $(echo "$log" | grep '^E:' | head -n 1)" >&2; exit 1; }
    dsc="$src/${pkg}_${version}.dsc"
    name=$(awk '/^Checksums-Sha256:/ {on=1; next} /^[^ ]/ {on=0} on && $3 ~ /\.orig\.tar\.(gz|xz|bz2)$/ {print $3}' "$dsc")
    want=$(awk -v f="$name" '/^Checksums-Sha256:/ {on=1; next} /^[^ ]/ {on=0} on && $3 == f {print $1}' "$dsc")
    orig="$src/$name"
    [ -n "$name" ] && [ -f "$orig" ] || { echo "cpython: no .orig tarball named in $dsc" >&2; exit 1; }
    # Check the tarball against the checksum in the .dsc (which apt
    # checked against the signed Sources index).
    have=$(sha256sum "$orig" | cut -d' ' -f1)
    if [ "$want" != "$have" ]; then
        rm -f "$orig"
        echo "cpython: $orig does not match the sha256 in $dsc" >&2
        exit 1
    fi
    echo "cpython: fetched $orig ($pkg $version)" >&2
fi

if [ ! -f "$dest/.pyfault-extracted" ]; then
    rm -rf "$dest" "$dest.tmp"
    mkdir -p "$dest.tmp"
    tar -xf "$orig" -C "$dest.tmp" --strip-components=1
    touch "$dest.tmp/.pyfault-extracted"
    mv "$dest.tmp" "$dest"
    echo "cpython: extracted $dest (upstream, no Debian patches)" >&2
fi
echo "$dest"
