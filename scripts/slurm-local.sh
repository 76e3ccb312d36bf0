#!/usr/bin/env bash
# A private single-node Slurm on this machine, for tests and trying `sal experiment --submit slurm` without a cluster:
#   scripts/slurm-local.sh start DIR   # munged (as the munge user), slurmctld and slurmd (as root), all state in DIR
#   scripts/slurm-local.sh stop DIR    # stops exactly the daemons started in DIR (by their pid files)
# Everything (config, munge key and socket, state, logs) lives in DIR and the ports are picked free, so it clashes
# neither with a system Slurm nor with another copy of itself. Clients find it through SLURM_CONF=DIR/slurm.conf, which
# `start` prints. No systemd: the daemons fork and record their pids. Needs root and the packages slurm-wlm and munge
# (scripts/setup.sh installs them). When a daemon does not come up, `start` stops what it started, prints that
# daemon's own last log lines to stderr and exits 1.
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1
dir=$(realpath -m "$2")

pid_of() { [ -s "$1" ] && cat "$1" || true; }

stop() {
  # Reverse order of start; each by the pid it wrote, never by name.
  for f in "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munge/munged.pid"; do
    local pid
    pid=$(pid_of "$f")
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$f"
  done
}

fail() {
  # The daemon's own words are the useful part of the failure.
  echo "slurm-local: $1" >&2
  for log in "$dir/munge/munged.stderr" "$dir/munge/munged.log" "$dir/slurmctld.log" "$dir/slurmd.log"; do
    if [ -s "$log" ]; then
      echo "--- last lines of $log:" >&2
      tail -n 8 "$log" >&2
    fi
  done
  stop
  exit 1
}

free_port() {
  # A port nobody listens on, from a range away from the Slurm defaults (6817-6819).
  local p
  for _ in $(seq 100); do
    p=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  fail "no free port found"
}

case "$action" in
  stop) stop; exit 0 ;;
  start) ;;
  *) usage ;;
esac

[ "$(id -u)" = 0 ] || { echo "slurm-local: needs root (the daemons run as root with SlurmUser=root)" >&2; exit 1; }
for tool in munged slurmctld slurmd sbatch squeue; do
  command -v "$tool" >/dev/null || { echo "slurm-local: $tool not found (scripts/setup.sh installs slurm-wlm and munge)" >&2; exit 1; }
done

mkdir -p "$dir/state" "$dir/spool" "$dir/munge"
stop

# munge: its own key and socket in DIR, owned by the munge user, who runs the daemon (munged refuses root).
chown munge:munge "$dir/munge"
# Clients reach the socket inside it, so everyone may traverse it (munged insists), but not list it.
chmod 711 "$dir/munge"
if [ ! -s "$dir/munge/munge.key" ]; then
  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
fi
chown munge:munge "$dir/munge/munge.key"
chmod 400 "$dir/munge/munge.key"
runuser -u munge -- munged --socket="$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" \
  --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/munged.seed" \
  2>>"$dir/munge/munged.stderr" || fail "munged did not start"

# One node: this host as slurmd -C sees it (CPUs, memory), reached over loopback.
node=$(slurmd -C | head -n 1)
name=$(sed -n 's/^NodeName=\([^ ]*\).*/\1/p' <<<"$node")
[ -n "$name" ] || fail "slurmd -C printed no NodeName line: $node"
ctld_port=$(free_port)
slurmd_port=$(free_port)
[ "$ctld_port" != "$slurmd_port" ] || slurmd_port=$((slurmd_port + 1))
cat >"$dir/slurm.conf" <<CONF
# Written by scripts/slurm-local.sh: a private single-node cluster for tests.
ClusterName=sallocal
SlurmctldHost=$name(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=5
$node NodeAddr=127.0.0.1
PartitionName=debug Nodes=$name Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$dir/slurm.conf"

slurmctld -f "$dir/slurm.conf" -i 2>>"$dir/slurmctld.log" || fail "slurmctld did not start"
slurmd -f "$dir/slurm.conf" -N "$name" 2>>"$dir/slurmd.log" || fail "slurmd did not start"

# Ready when the node takes jobs.
for _ in $(seq 60); do
  state=$(sinfo --noheader -n "$name" -o %T 2>/dev/null || true)
  case "$state" in
    idle*|mixed*|allocated*) echo "export SLURM_CONF=$dir/slurm.conf"; exit 0 ;;
  esac
  sleep 0.5
done
fail "the node did not become idle within 30 s (sinfo says '${state:-nothing}')"
