#!/bin/bash
# page_cost.sh: what this machine charges for a page (bench/page_cost.c):
# microseconds a page for a first write to fresh anonymous memory (an
# exec'd trial building its heap), a copy-on-write fault in a forked
# child (a forked trial writing its server's heap), and
# MADV_POPULATE_WRITE over the same pages plus the writes after it (what
# injectors/precopy.c does instead), over MIB (default 40) mebibytes,
# median of ROUNDS (default 9). Under a hypervisor a fault can cost ten
# times what it costs on bare metal, and it sets how far the fork
# engine's trials fall short of exec's. Prints figures and the ratio;
# asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/need_bin.bash
need_bin page_cost
MIB=${MIB:-40}
ROUNDS=${ROUNDS:-9}
echo "== page costs over $MIB MiB, median of $ROUNDS rounds, us a page"
build/bench/page_cost "$MIB" "$ROUNDS" | awk '
    /^fresh/ { printf "first write to fresh memory:       %6.2f us\n", $2 }
    /^cow / { printf "copy-on-write fault after a fork:  %6.2f us\n", $2 }
    /^populate / { printf "MADV_POPULATE_WRITE after a fork:  %6.2f us\n", $2; p = $2 }
    /^touch_after/ { printf "  and the write after it:          %6.2f us\n", $2 }
    /^populate_plus/ { printf "populate + write against a fault:  %6.2f\n", $2 }'
