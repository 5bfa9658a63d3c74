# harness_lib.bash: shared by the harness bench scripts (sourced). Figures only, no asserts.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PYFAULT=$ROOT/build/pyfault
SHIM=$ROOT/build/libpyfault.so
PY=/usr/bin/python3.11
NPROC=$(nproc)

now() { date +%s.%N; }
# ratio A B: A/B with 2 decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f", a / b }'; }
# rate N SECONDS: N/SECONDS with 1 decimal
rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s == 0) print "n/a"; else printf "%.1f", n / s }'; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
