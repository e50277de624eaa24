#!/usr/bin/env bash
# Stops the one-node Slurm cluster that up.sh started: cancels every job, waits for the job steps
# to end, then stops slurmd, slurmctld, slurmdbd, MariaDB and munged (each only if up.sh started
# it). Idempotent: safe to run when nothing is up.
#
#   bash .ci/slurm/down.sh           # stop; keep state (job ids, accounting) for the next up.sh
#   bash .ci/slurm/down.sh --purge   # stop and delete the state dir and the accounting database
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LOG_TAG=slurm-down
# shellcheck source=lib.sh
. "$HERE/lib.sh"

purge=0
[ "${1:-}" = --purge ] && purge=1

if [ -f "$CONF_DIR/slurm.conf" ] && ! grep -qF "$MARKER" "$CONF_DIR/slurm.conf"; then
  log "$CONF_DIR/slurm.conf was not written by up.sh: not touching this cluster"
  exit 0
fi

if pid_of slurmctld >/dev/null; then
  jobs=$(timeout 10 squeue --noheader --format=%i 2>/dev/null | tr '\n' ' ')
  if [ -n "${jobs// /}" ]; then
    log "cancelling jobs: $jobs"
    # shellcheck disable=SC2086
    timeout 10 scancel $jobs 2>/dev/null || true
    deadline=$((SECONDS + 20))
    while [ -n "$(timeout 10 squeue --noheader --format=%i 2>/dev/null)" ] && ((SECONDS < deadline)); do
      sleep 0.5
    done
  fi
fi

if ((purge)) && mysqladmin --protocol=socket ping >/dev/null 2>&1; then
  stop_daemon slurmdbd 20
  log "dropping the slurm_acct_db database"
  mysql --protocol=socket -u root -e 'DROP DATABASE IF EXISTS slurm_acct_db' || true
fi

for ((i = ${#DAEMONS[@]} - 1; i >= 0; i--)); do
  d=${DAEMONS[i]}
  if started_by_us "$d"; then
    stop_daemon "$d" 20
  elif pid_of "$d" >/dev/null; then
    log "$d was not started by up.sh: leaving it running"
  fi
done

# Job steps outlive slurmd when a job was still running: end the ones our slurmd left behind.
for pid in $(pgrep -x slurmstepd 2>/dev/null); do
  pid_alive "$pid" || continue
  log "ending leftover slurmstepd (pid $pid)"
  kill -KILL "$pid" 2>/dev/null || true
done

if ((purge)); then
  log "purging $STATE"
  rm -rf "$STATE"
fi

left=""
for name in slurmctld slurmd slurmdbd slurmstepd; do
  for pid in $(pgrep -x "$name" 2>/dev/null); do
    pid_alive "$pid" && left+="$name($pid) "
  done
done
if [ -n "$left" ]; then
  log "still running: $left"
  exit 1
fi
log "cluster down"
