# Shared helpers for up.sh and down.sh (sourced, not run).
# shellcheck shell=bash

STATE=${CRITPATH_SLURM_STATE:-/var/lib/critpath-slurm}
MARKER='# written by critpath .ci/slurm/up.sh'
CONF_DIR=/etc/slurm
# Daemons, in start order; down.sh stops them in reverse.
DAEMONS=(munged mariadb slurmdbd slurmctld slurmd)

log() { printf '[%s %s] %s\n' "${LOG_TAG:-slurm}" "$(date +%H:%M:%S)" "$*" >&2; }

# pid_file NAME: where NAME's pid is kept.
pid_file() {
  case "$1" in
  munged) echo /run/munge/munged.pid ;;
  mariadb) echo /run/mysqld/critpath-mariadbd.pid ;;
  *) echo "$STATE/run/$1.pid" ;;
  esac
}

# pid_alive PID: true for a running process. A zombie is dead: where PID 1 does not reap orphans
# (some CI VMs), a killed daemon stays a zombie that `kill -0` still finds.
pid_alive() {
  local st
  kill -0 "$1" 2>/dev/null || return 1
  st=$(sed -E 's/^.*\) (.).*$/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
  [ "$st" != Z ] && [ "$st" != X ]
}

# pid_of NAME: prints NAME's pid when it names a live process, else fails.
pid_of() {
  local f pid
  f=$(pid_file "$1")
  [ -s "$f" ] || return 1
  pid=$(tr -dc 0-9 <"$f")
  [ -n "$pid" ] && pid_alive "$pid" && echo "$pid"
}

# started_by_us NAME: true when up.sh started NAME (it never stops what it found running).
started_by_us() { [ -f "$STATE/run/$1.ours" ]; }

# stop_daemon NAME SECONDS: SIGTERM, wait, then SIGKILL; removes the pid and ownership marks.
stop_daemon() {
  local name=$1 secs=${2:-20} pid
  if pid=$(pid_of "$name"); then
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + secs))
    while pid_alive "$pid"; do
      if ((SECONDS >= deadline)); then
        log "$name did not exit within ${secs}s: SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        sleep 0.5
        break
      fi
      sleep 0.2
    done
  fi
  rm -f "$STATE/run/$name.ours"
  case "$name" in munged | mariadb) ;; *) rm -f "$(pid_file "$name")" ;; esac
}
