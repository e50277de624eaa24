#!/usr/bin/env bash
# Brings up a real one-node Slurm cluster on this machine, for critpath's Slurm e2e tests.
#
#   bash .ci/slurm/up.sh        # install (apt), configure, start; idempotent
#   bash .ci/slurm/down.sh      # stop every daemon this script started
#
# What it does:
#   - installs Debian's slurm-wlm, slurmdbd, mariadb-server and munge (apt-get, root only);
#   - writes /etc/slurm/{slurm,gres,slurmdbd,cgroup}.conf for a single node named after this
#     host: CRITPATH_SLURM_CPUS CPUs (default 8, overcommitted past nproc through
#     SlurmdParameters=config_overrides) and gpu:4 GRES backed by fake character devices under
#     $STATE/dev (no real GPU is needed, none is touched);
#   - starts munged, mariadbd, slurmdbd (so that `sacct` answers), slurmctld and slurmd, each as
#     a plain daemon with its pid file under $STATE/run (no systemd: CI machines have none);
#   - waits until `sinfo` reports the node idle, with a timeout and the daemons' logs on failure.
#
# It refuses to overwrite an /etc/slurm/slurm.conf that it did not write (a real cluster's).
# Set CRITPATH_SLURM_NO_DBD=1 to skip slurmdbd/mariadb (then `sacct` is unavailable and critpath
# falls back to `scontrol show job`).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LOG_TAG=slurm-up
# shellcheck source=lib.sh
. "$HERE/lib.sh"

CPUS=${CRITPATH_SLURM_CPUS:-8}
GPUS=${CRITPATH_SLURM_GPUS:-4}
NO_DBD=${CRITPATH_SLURM_NO_DBD:-0}
TIMEOUT=${CRITPATH_SLURM_TIMEOUT:-90}
NODE=$(hostname -s)
CLUSTER=critpath

die() {
  log "ERROR: $*"
  for f in "$STATE"/log/*.log "$STATE"/log/mariadb/error.log /var/log/munge/munged.log; do
    [ -s "$f" ] || continue
    printf '\n===== %s (last 25 lines) =====\n' "$f" >&2
    tail -n 25 "$f" >&2 || true
  done
  exit 1
}

# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.5 s until it succeeds.
wait_for() {
  local secs=$1 what=$2
  shift 2
  local deadline=$((SECONDS + secs))
  local runner=(timeout 10)
  declare -F "$1" >/dev/null && runner=() # shell functions bound their own commands
  until "${runner[@]}" "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then die "timed out after ${secs}s waiting for $what"; fi
    sleep 0.5
  done
}

# start_daemon NAME COMMAND...: runs COMMAND unless NAME is alive; marks NAME as ours.
start_daemon() {
  local name=$1
  shift
  if pid_of "$name" >/dev/null; then
    log "$name already running"
    return 0
  fi
  log "starting $name"
  "$@" >>"$STATE/log/$name.start.log" 2>&1 || die "$name failed to start: $(tail -n 5 "$STATE/log/$name.start.log")"
  touch "$STATE/run/$name.ours"
  # A daemon that dies on its configuration does so within a moment: say so now, not at a timeout.
  local deadline=$((SECONDS + 10))
  until pid_of "$name" >/dev/null; do
    if ((SECONDS >= deadline)); then die "$name exited right after starting (see its log below)"; fi
    sleep 0.2
  done
}

[ "$(id -u)" = 0 ] || die "must run as root (it installs packages and starts daemons)"

# ---------------------------------------------------------------- install
need_pkgs=(slurm-wlm munge)
[ "$NO_DBD" = 1 ] || need_pkgs+=(slurmdbd mariadb-server)
missing=()
for p in "${need_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  # No init system here: keep the packages' maintainer scripts from starting services.
  policy=/usr/sbin/policy-rc.d
  policy_added=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
    policy_added=1
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT # also when an install step fails
  fi
  export DEBIAN_FRONTEND=noninteractive
  timeout 600 apt-get update -q >"/tmp/critpath-slurm-apt.log" 2>&1 ||
    die "apt-get update failed: $(tail -n 5 /tmp/critpath-slurm-apt.log)"
  timeout 900 apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=600 "${missing[@]}" \
    >>"/tmp/critpath-slurm-apt.log" 2>&1 ||
    die "apt-get install failed: $(tail -n 20 /tmp/critpath-slurm-apt.log)"
  if [ "$policy_added" = 1 ]; then
    rm -f "$policy"
    trap - EXIT
  fi
fi

# ---------------------------------------------------------------- configuration
if [ -f "$CONF_DIR/slurm.conf" ] && ! grep -qF "$MARKER" "$CONF_DIR/slurm.conf"; then
  die "$CONF_DIR/slurm.conf exists and was not written by this script; refusing to replace it"
fi

mkdir -p "$STATE"/{run,log,ctld,spool,dev,db} "$CONF_DIR"

# Fake GPUs: character devices with NVIDIA's major number, in our own directory. slurmd only
# stats them (for the major/minor numbers) and hands out their indices in CUDA_VISIBLE_DEVICES.
for ((i = 0; i < GPUS; i++)); do
  dev="$STATE/dev/nvidia$i"
  [ -c "$dev" ] || { rm -f "$dev"; mknod "$dev" c 195 "$i"; }
done

# munge key: generated once, reused after.
if [ ! -s /etc/munge/munge.key ]; then
  log "generating munge key"
  mkdir -p /etc/munge
  dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
fi
chown -R munge:munge /etc/munge
chmod 700 /etc/munge
chmod 400 /etc/munge/munge.key
mkdir -p /run/munge /var/lib/munge /var/log/munge
chown munge:munge /run/munge /var/lib/munge /var/log/munge

if [ "$NO_DBD" = 1 ]; then
  accounting='AccountingStorageType=accounting_storage/none'
else
  # gres/gpu as a tracked TRES puts GPU counts into sacct's AllocTRES; slurmctld refuses it
  # without slurmdbd.
  accounting="AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
AccountingStoragePort=6819
AccountingStorageTRES=gres/gpu"
fi

max_gpu=$((GPUS - 1))
write_conf() {
  local path=$1 mode=$2 content=$3
  local tmp="$path.tmp.$$"
  printf '%s\n' "$content" >"$tmp"
  chmod "$mode" "$tmp"
  mv -f "$tmp" "$path"
}

write_conf "$CONF_DIR/slurm.conf" 644 "$MARKER
ClusterName=$CLUSTER
SlurmctldHost=$NODE(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CryptoType=crypto/munge
MpiDefault=none
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
ReturnToService=2
SlurmctldPidFile=$STATE/run/slurmctld.pid
SlurmdPidFile=$STATE/run/slurmd.pid
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/spool
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
DependencyParameters=kill_invalid_depend
MinJobAge=86400
KillWait=5
InactiveLimit=0
Waittime=0
GresTypes=gpu
$accounting
JobCompType=jobcomp/none
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=1024 Gres=gpu:$GPUS State=UNKNOWN
PartitionName=gpu Nodes=$NODE Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO"

write_conf "$CONF_DIR/gres.conf" 644 "$MARKER
AutoDetect=off
NodeName=$NODE Name=gpu File=$STATE/dev/nvidia[0-$max_gpu]"

write_conf "$CONF_DIR/cgroup.conf" 644 "$MARKER
CgroupPlugin=cgroup/v1"

if [ "$NO_DBD" != 1 ]; then
  write_conf "$CONF_DIR/slurmdbd.conf" 600 "$MARKER
AuthType=auth/munge
DbdHost=localhost
DbdPort=6819
SlurmUser=root
PidFile=$STATE/run/slurmdbd.pid
LogFile=$STATE/log/slurmdbd.log
DebugLevel=info
StorageType=accounting_storage/mysql
StorageHost=localhost
StorageLoc=slurm_acct_db
StorageUser=slurm
StoragePass=critpath"
fi

# ---------------------------------------------------------------- daemons
# A configuration change needs the Slurm daemons restarted (scontrol reconfigure does not pick up
# node or gres changes).
conf_hash=$(cat "$CONF_DIR"/slurm.conf "$CONF_DIR"/gres.conf "$CONF_DIR"/cgroup.conf \
  "$CONF_DIR"/slurmdbd.conf 2>/dev/null | sha256sum | cut -c1-16)
if [ -f "$STATE/run/conf.hash" ] && [ "$(cat "$STATE/run/conf.hash")" != "$conf_hash" ]; then
  log "configuration changed: restarting the Slurm daemons"
  for d in slurmd slurmctld slurmdbd; do stop_daemon "$d" 20; done
fi
echo "$conf_hash" >"$STATE/run/conf.hash"

start_daemon munged runuser -u munge -- /usr/sbin/munged
wait_for 15 "munged to answer" sh -c 'munge -n | unmunge'

if [ "$NO_DBD" != 1 ]; then
  mkdir -p /run/mysqld "$STATE/log/mariadb"
  chown mysql:mysql /run/mysqld "$STATE/log/mariadb"
  if mysqladmin --protocol=socket ping >/dev/null 2>&1 && ! pid_of mariadb >/dev/null; then
    log "a MariaDB server is already running: using it"
  else
    if [ ! -d /var/lib/mysql/mysql ]; then
      mariadb-install-db --user=mysql --datadir=/var/lib/mysql >"$STATE/log/mariadb-install.log" 2>&1 ||
        die "mariadb-install-db failed"
    fi
    start_daemon mariadb setsid -f mariadbd --user=mysql --datadir=/var/lib/mysql \
      --socket=/run/mysqld/mysqld.sock --pid-file="$(pid_file mariadb)" \
      --bind-address=127.0.0.1 --log-error="$STATE/log/mariadb/error.log"
  fi
  wait_for 60 "MariaDB to answer" mysqladmin --protocol=socket ping
  mysql --protocol=socket -u root <<'SQL' || die "could not create the slurm database user"
CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY 'critpath';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';
FLUSH PRIVILEGES;
SQL
  start_daemon slurmdbd /usr/sbin/slurmdbd
  wait_for 60 "slurmdbd to answer (sacctmgr)" sacctmgr -n -P show cluster
  if ! sacctmgr -n -P show cluster format=cluster | grep -qx "$CLUSTER"; then
    sacctmgr -i add cluster "$CLUSTER" >/dev/null || die "sacctmgr add cluster $CLUSTER failed"
  fi
fi

start_daemon slurmctld /usr/sbin/slurmctld
wait_for 30 "slurmctld to answer (scontrol ping)" scontrol ping
start_daemon slurmd /usr/sbin/slurmd

node_ready() {
  local st
  st=$(timeout 10 sinfo --noheader --nodes="$NODE" --format=%T 2>/dev/null) || return 1
  case "$st" in
  idle | mixed | allocated) return 0 ;;
  *) return 1 ;;
  esac
}
wait_for "$TIMEOUT" "node $NODE to become idle (sinfo)" node_ready
if [ "$NO_DBD" != 1 ]; then
  wait_for 30 "sacct to answer" sacct -n -X -a --starttime=now-1minute
fi
log "cluster up: $(sinfo --noheader --format='partition=%P nodes=%D state=%T gres=%G cpus=%c' | tr -s ' ')"
