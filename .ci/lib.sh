# shellcheck shell=bash
# Shared helpers for the .ci/ scripts. Source it; do not run it.
#
#   FTF_CI_CACHE   machine-level cache (apt source downloads, build dirs, stamps).
#                  Default: /var/cache/ftf-ci when writable (so a second clone on the same machine reuses it),
#                  else ${XDG_CACHE_HOME:-~/.cache}/ftf-ci.

# shellcheck disable=SC2034 # used by the scripts that source this file
CI_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [[ -z "${FTF_CI_CACHE:-}" ]]; then
  if mkdir -p /var/cache/ftf-ci 2>/dev/null && [[ -w /var/cache/ftf-ci ]]; then
    FTF_CI_CACHE=/var/cache/ftf-ci
  else
    FTF_CI_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/ftf-ci"
  fi
fi
export FTF_CI_CACHE
mkdir -p "$FTF_CI_CACHE"

log() { printf '[ci %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
warn() { printf '[ci %s] WARNING: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
  printf '[ci %s] ERROR: %s\n' "$(date +%H:%M:%S)" "$*" >&2
  exit 1
}

# Run a command as root: directly when we are root, through sudo otherwise.
as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "needs root (or sudo) for: $*"
  fi
}

# apt-get with the options every call here wants: no prompts, wait for the dpkg lock instead of failing.
apt_get() {
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=300 "$@"
}

# `apt-get update` of the machine's own (bookworm) sources, at most once per CI run and at most once an hour
# per machine. Call it only right before an install that is really needed.
apt_update_once() {
  local stamp="$FTF_CI_CACHE/apt-update.stamp"
  if [[ "${FTF_APT_UPDATED:-}" == 1 ]] || [[ -n "$(find "$stamp" -mmin -60 2>/dev/null)" ]]; then
    log "apt-get update: done recently, skipped"
    return 0
  fi
  log "apt-get update"
  apt_get update
  touch "$stamp"
  export FTF_APT_UPDATED=1
}

# Installed version of a Debian package, or empty.
deb_version() {
  dpkg-query -W -f='${db:Status-Status} ${Version}\n' "$1" 2>/dev/null | awk '$1 == "installed" { print $2 }'
}

# Time a step: `step "name" command args...` prints a banner, runs the command, prints its duration and
# records it for `step_summary`. Deliberately no `|| rc=$?` here: that would switch off `set -e` inside the
# command. A failing command therefore ends the script (set -e); the caller's EXIT trap calls
# `step_failed_note` to record which step failed.
STEP_TIMES=()
CURRENT_STEP=""
CURRENT_STEP_START=0
step() {
  CURRENT_STEP="$1"
  CURRENT_STEP_START=$SECONDS
  shift
  printf '\n==> %s\n' "$CURRENT_STEP" >&2
  "$@"
  local took=$((SECONDS - CURRENT_STEP_START))
  printf '<== %s: ok (%ss)\n' "$CURRENT_STEP" "$took" >&2
  STEP_TIMES+=("$(printf '%5ss  %s' "$took" "$CURRENT_STEP")")
  CURRENT_STEP=""
}

# From an EXIT trap: note the step that was running when the script stopped, with its exit status.
step_failed_note() {
  local rc="$1"
  [[ -n "$CURRENT_STEP" ]] || return 0
  local took=$((SECONDS - CURRENT_STEP_START))
  printf '<== %s: FAILED with exit %s (%ss)\n' "$CURRENT_STEP" "$rc" "$took" >&2
  STEP_TIMES+=("$(printf '%5ss  %s  FAILED (exit %s)' "$took" "$CURRENT_STEP" "$rc")")
  CURRENT_STEP=""
}

step_summary() {
  printf '\nStep times:\n' >&2
  local line
  for line in "${STEP_TIMES[@]}"; do printf '  %s\n' "$line" >&2; done
}
