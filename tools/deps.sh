#!/bin/sh
# deps.sh: installs the Debian packages pyfault needs, only when missing.
# Non-root users: run the printed apt-get command with sudo, then make.
set -eu

# python3.11-dbg: the debug information of Debian's stripped python3.11 and
# its _testcapi, found by build-id: the pymem parity test breaks on
# _testcapi's static hooks under gdb; the harness's symbolizer (libdw-dev,
# libelf-dev) reads it too, so that crash stacks on Debian's python3.11
# name static and inlined functions.
PACKAGES="gcc make pkg-config binutils libunwind-dev libjemalloc-dev \
libjansson-dev libcmocka-dev libdw-dev libelf-dev python3.11 libpython3.11-testsuite \
python3.11-dev python3.11-dbg gdb procps"
# Extra packages other parts of the project ask for (mk/*.mk may add more).
PACKAGES="$PACKAGES ${PYFAULT_EXTRA_PACKAGES:-}"

missing=""
for p in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
        *"install ok installed"*) ;;
        *) missing="$missing $p" ;;
    esac
done

if [ -z "$missing" ]; then
    exit 0
fi

echo "deps: installing:$missing"
if [ "$(id -u)" != 0 ]; then
    echo "deps: not root; run: sudo apt-get update && sudo apt-get install -y$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "deps: done"
