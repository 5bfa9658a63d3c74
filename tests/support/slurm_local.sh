#!/bin/sh
# slurm_local.sh start|stop DIR: a single-node Slurm cluster of its own in
# DIR, for tests/system/test_slurm.c: a munge key and munged on a socket in
# DIR, a generated slurm.conf (this host, ports of its own, state and
# spool in DIR, no cgroups: proctrack/linuxproc, task/none), slurmctld
# and slurmd. start waits until the node takes jobs (exit 0) or gives up
# after 30 s (exit 1, the daemons' logs on stderr); the caller exports
# SLURM_CONF=DIR/slurm.conf. stop ends what start began, by its pid files.
set -u
cmd=$1
dir=$2

stop() {
    for name in slurmd slurmctld munged; do
        if [ -f "$dir/$name.pid" ]; then
            pid=$(cat "$dir/$name.pid")
            kill "$pid" 2>/dev/null
            i=0
            while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
            kill -9 "$pid" 2>/dev/null
            rm -f "$dir/$name.pid"
        fi
    done
    return 0
}

start() {
    mkdir -p "$dir/state" "$dir/spool" "$dir/munge" || return 1
    chmod 700 "$dir/munge"
    host=$(hostname -s)
    # Ports from the folder's name, away from Slurm's 6817/6818.
    base=$((20000 + $(printf '%s' "$dir" | cksum | cut -d' ' -f1) % 20000))
    dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 2>/dev/null
    chmod 400 "$dir/munge/munge.key"
    munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/socket" \
        --pid-file="$dir/munged.pid" --log-file="$dir/munged.log" \
        --seed-file="$dir/munge/seed" || return 1
    cpus=$(nproc)
    cat > "$dir/slurm.conf" <<CONF
ClusterName=pyfault-test
SlurmctldHost=$host
SlurmctldPort=$base
SlurmdPort=$((base + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
MinJobAge=600
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
    export SLURM_CONF="$dir/slurm.conf"
    slurmctld -i -f "$SLURM_CONF" || { cat "$dir/slurmctld.log" >&2; stop; return 1; }
    slurmd -f "$SLURM_CONF" || { cat "$dir/slurmd.log" >&2; stop; return 1; }
    i=0
    while [ $i -lt 300 ]; do
        state=$(sinfo -h -N -o %t 2>/dev/null)
        case $state in idle*|mix*|alloc*) return 0 ;; esac
        sleep 0.1
        i=$((i + 1))
    done
    echo "slurm_local: the node did not come up (sinfo: ${state:-nothing})" >&2
    tail -5 "$dir/slurmctld.log" "$dir/slurmd.log" >&2
    stop
    return 1
}

case $cmd in
start) start ;;
stop) stop ;;
*) echo "usage: slurm_local.sh start|stop DIR" >&2; exit 2 ;;
esac
