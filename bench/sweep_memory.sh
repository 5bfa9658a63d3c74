#!/bin/bash
# sweep_memory.sh: the harness's peak memory (max RSS, /usr/bin/time -v) on
# a sweep of 20,000 points, against a sweep of 200 points of the same
# target: the ratio shows how memory grows with the sweep's size. Then
# `pyfault report` of the big sweep's results.json alone, against its
# size on disk, and `pyfault merge` of the same sweep run in two shards:
# both read the trials one at a time, and merge writes them so.
# With OLD=path/to/pyfault, report and merge by that build too.
# Prints figures; asserts nothing.
set -eu
. "$(dirname "$0")/harness_lib.bash"

BIG=${POINTS:-20000}
SMALL=200
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
TARGET=$ROOT/build/targets/h_alloc_loop

peak() { # points -> "kB seconds trials"
    /usr/bin/time -v -o "$OUT/time.txt" "$PYFAULT" sweep -q --out "$OUT" -- "$TARGET" "$1" >/dev/null || [ $? -eq 1 ]
    local kb s trials
    kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$OUT/time.txt")
    s=$(awk -F': ' '/Elapsed \(wall clock\)/ { print $2 }' "$OUT/time.txt")
    trials=$(python3 -c "import json; print(json.load(open('$OUT/results.json'))['done'])")
    echo "$kb $s $trials"
}

read -r small_kb small_s small_n < <(peak "$SMALL")
read -r big_kb big_s big_n < <(peak "$BIG")
size=$(stat -c %s "$OUT/results.json")
echo "sweep of $small_n trials: peak RSS ${small_kb} kB, wall $small_s"
echo "sweep of $big_n trials: peak RSS ${big_kb} kB, wall $big_s, results.json $size bytes"
echo "peak RSS ratio ${big_n}/${small_n} trials: $(ratio "$big_kb" "$small_kb")" \
     "(trial count ratio $(ratio "$big_n" "$small_n"))"

# kb_of CMD...: the peak RSS of CMD, in kB
kb_of() {
    /usr/bin/time -v -o "$OUT/time.txt" "$@" >/dev/null
    awk -F': ' '/Maximum resident set size/ { print $2 }' "$OUT/time.txt"
}

# the same points in two shards, for merge
for i in 1 2; do
    mkdir -p "$OUT/s$i"
    "$PYFAULT" sweep -q --shard "$i/2" --out "$OUT/s$i" -- "$TARGET" "$BIG" >/dev/null || [ $? -eq 1 ]
done
for bin in "$PYFAULT" ${OLD:+"$OLD"}; do
    rm -f "$OUT/merged.json"
    report_kb=$(kb_of "$bin" report "$OUT")
    merge_kb=$(kb_of "$bin" merge -o "$OUT/merged.json" "$OUT/s1/results.json" "$OUT/s2/results.json")
    echo "$bin: report of the $big_n-trial results.json: peak RSS $report_kb kB" \
         "($(ratio "$((report_kb * 1024))" "$size") x its size);" \
         "merge of it in two shards: $merge_kb kB"
done
