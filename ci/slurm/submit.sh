#!/bin/sh
# submit.sh N OUT: submits a sweep as a Slurm array of N tasks
# (ci/slurm/sweep.sbatch, task i -> OUT/shard-i) and the merge-and-gate
# job (ci/slurm/merge.sbatch) that runs once all of them succeeded, and
# is cancelled when one failed. Prints "ARRAY_JOB_ID MERGE_JOB_ID".
# Run from the top of the pyfault tree; extra sbatch options (partition,
# account, time) in PYFAULT_SBATCH_OPTS.
set -eu
[ $# -eq 2 ] || { echo "usage: ci/slurm/submit.sh N OUT" >&2; exit 2; }
n=$1 out=$2
case $n in ''|*[!0-9]*|0) echo "submit.sh: N '$n': expected a whole number >= 1" >&2; exit 2 ;; esac
mkdir -p "$out"
# shellcheck disable=SC2086 # PYFAULT_SBATCH_OPTS is a word list
array=$(sbatch --parsable ${PYFAULT_SBATCH_OPTS:-} --array="0-$((n - 1))" \
    --output="$out/slurm-sweep-%a.log" ci/slurm/sweep.sbatch "$out")
array=${array%%;*} # "ID;CLUSTER" on a multi-cluster set-up
# shellcheck disable=SC2086
merge=$(sbatch --parsable ${PYFAULT_SBATCH_OPTS:-} --dependency="afterok:$array" \
    --kill-on-invalid-dep=yes --output="$out/slurm-merge.log" ci/slurm/merge.sbatch "$out")
echo "${array} ${merge%%;*}"
