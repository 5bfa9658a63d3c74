# need_bin.bash: sourced by the benchmarks that run a program of bench/*.c.
# Run by hand on a fresh checkout, build/bench/ is not there yet (make all
# does not build it): a missing program must not print empty figures.

# need_bin NAME...: builds build/bench/NAME from bench/NAME.c when missing
# or stale (make's rule), or stops the benchmark with one line and exit 2.
need_bin() {
    local name
    for name in "$@"; do
        make --no-print-directory -C "$(dirname "${BASH_SOURCE[0]}")/.." "build/bench/$name" >&2 ||
            { echo "${0##*/}: cannot build build/bench/$name" >&2; exit 2; }
    done
}
