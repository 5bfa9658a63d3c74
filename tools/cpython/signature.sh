#!/bin/sh
# signature.sh VARIANT: prints what a variant's build depends on besides
# the upstream source: its configure flags and its patches (name and
# sha256, in the order they are applied). make rebuilds a variant when
# this text changes, so a changed, added or removed patch is noticed.
set -eu

variant=$1
. tools/cpython/variant.sh
echo "variant: $variant"
echo "series: $series"
echo "configure: $CONFIGURE_ARGS"
echo "opt: $OPT_FLAGS"
for p in $(patch_list); do
    echo "patch: $p $(sha256sum "$p" | cut -d' ' -f1)"
done
