# variant.sh: sourced by the other scripts; maps $variant to its series,
# patch directory and build flags, so they are defined in one place.
# shellcheck shell=sh disable=SC2034,SC2154 # sourced: $variant in, $series etc. out

gil=
case "$variant" in
    3.11-vanilla)  series=3.11 patchdir= ;;
    3.11-patched)  series=3.11 patchdir=patches/3.11 ;;
    3.11-regress)  series=3.11 patchdir=patches/3.11-regress ;;
    3.13-vanilla)  series=3.13 patchdir= ;;
    3.13-patched)  series=3.13 patchdir=patches/3.13 ;;
    3.14-vanilla)  series=3.14 patchdir= ;;
    3.14t-vanilla) series=3.14 patchdir= gil=disabled ;;
    3.15-vanilla)  series=3.15 patchdir= ;;
    *) echo "cpython: unknown variant '$variant'" >&2; exit 1 ;;
esac

# Release-like builds: NDEBUG, no --with-pydebug. -g for symbols; -O2
# rather than upstream's default -O3, to match Debian's own python3.11
# (dpkg-buildflags) whose C frames and inlining the system interpreter
# shares, and to compile faster on 2 cores. -fwrapv as upstream requires.
OPT_FLAGS="-DNDEBUG -g -fwrapv -O2 -Wall"
# No ensurepip (nothing to download); _testcapi is built by default.
CONFIGURE_ARGS="--without-ensurepip --enable-test-modules"
# The free-threaded build (PEP 703): no GIL, mimalloc as its allocator.
[ "$gil" != disabled ] || CONFIGURE_ARGS="$CONFIGURE_ARGS --disable-gil"

# patch_list: the variant's patches, in the order they are applied.
patch_list() {
    [ -n "$patchdir" ] || return 0
    [ -d "$patchdir" ] || return 0
    ls "$patchdir"/*.patch 2>/dev/null | LC_ALL=C sort || true
}
