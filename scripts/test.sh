#!/usr/bin/env bash
# `pnpm test`: the whole test suite, on any machine, from a fresh clone.
#
#   1. Locates what the tests need: Chromium (headless browser tests) and PostgreSQL 15 + pgvector 0.8 (the store
#      and API suites run on PostgreSQL as well as PGlite). Where one is missing and this machine can install it
#      (Debian/Ubuntu, as root or with password-less sudo), installs it with .ci/install-chromium.sh or
#      .ci/install-pgvector.sh; where it cannot, prints ONE line saying what to run and exits 2 within seconds.
#   2. Starts a throwaway PostgreSQL cluster and a streaming replica of it (.ci/pg-cluster.sh), unless
#      FTF_TEST_DATABASE_URL already names a database; they are stopped and deleted on exit, whatever happens.
#   3. Builds every package, then runs vitest (its global setup generates the fixture models). Arguments go to
#      vitest: `pnpm test packages/server` runs that folder's tests with the same services.
#
#   pnpm test:unit          (= scripts/test.sh --unit) neither Chromium nor PostgreSQL: skips the browser test
#                           files, and the PostgreSQL suites skip themselves. Not what CI runs.
#   CHROMIUM_PATH=…         use this Chromium/Chrome binary (default /usr/bin/chromium, else one on PATH)
#   FTF_TEST_DATABASE_URL=… use this PostgreSQL database (pgvector ≥ 0.8) instead of a throwaway cluster;
#                           FTF_TEST_REPLICA_URL=… a streaming replica of it for the read-replica tests
#   PG_CONFIG=…             the pg_config of the PostgreSQL 15 server to use (default /usr/lib/postgresql/15/bin)
#   FTF_TEST_INSTALL=0      never install anything: print the command instead
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

DEFAULT_PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config
PGVECTOR_VERSION=0.8.0
STATE_DIR="$ROOT/.ci/.cache"

say() { printf '[test] %s\n' "$*" >&2; }

# The one line a newcomer reads when something is missing, then out (exit 2: nothing was tested).
missing() {
  printf 'pnpm test: %s\n' "$*" >&2
  exit 2
}

# Root, or sudo that needs no password, on a machine with apt: the .ci/ scripts can install there.
can_install() {
  [[ "${FTF_TEST_INSTALL:-1}" != 0 ]] || return 1
  command -v apt-get >/dev/null 2>&1 || return 1
  [[ $EUID -eq 0 ]] || sudo -n true 2>/dev/null
}

runs() { [[ -x "$1" ]] && "$1" --version >/dev/null 2>&1; }

# How to run a .ci/ installer here: through sudo unless we are root.
as_root_hint() { if [[ $EUID -eq 0 ]]; then printf 'bash %s' "$1"; else printf 'sudo bash %s' "$1"; fi; }

# --- Chromium --------------------------------------------------------------------------------------------------
find_chromium() {
  local candidate
  for candidate in /usr/bin/chromium $(command -v chromium chromium-browser google-chrome-stable google-chrome || true); do
    if runs "$candidate"; then
      printf '%s' "$candidate"
      return 0
    fi
  done
  return 1
}

ensure_chromium() {
  if [[ -n "${CHROMIUM_PATH:-}" ]]; then
    runs "$CHROMIUM_PATH" ||
      missing "CHROMIUM_PATH=$CHROMIUM_PATH does not run (--version failed): point it at a Chromium or Chrome binary, or unset it to use Debian's /usr/bin/chromium."
  elif CHROMIUM_PATH="$(find_chromium)"; then
    :
  elif can_install; then
    say "Chromium not found: installing Debian's chromium (.ci/install-chromium.sh)"
    bash .ci/install-chromium.sh
    CHROMIUM_PATH=/usr/bin/chromium
  else
    missing "Chromium is missing (the browser tests need it): run \`$(as_root_hint .ci/install-chromium.sh)\` (Debian/Ubuntu) or set CHROMIUM_PATH to a Chromium binary, then \`pnpm test\` again (\`pnpm test:unit\` runs the tests that need neither Chromium nor PostgreSQL)."
  fi
  export CHROMIUM_PATH
  say "Chromium: $CHROMIUM_PATH"
}

# --- PostgreSQL 15 + pgvector ----------------------------------------------------------------------------------
pgvector_installed() {
  local pg_config="$1" control
  runs "$pg_config" || return 1
  control="$("$pg_config" --sharedir)/extension/vector.control"
  [[ -f "$control" && -f "$("$pg_config" --pkglibdir)/vector.so" ]] &&
    grep -qE "^default_version *= *'$PGVECTOR_VERSION'" "$control"
}

ensure_postgres() {
  if [[ -n "${FTF_TEST_DATABASE_URL:-}" ]]; then
    say "PostgreSQL: FTF_TEST_DATABASE_URL from the environment${FTF_TEST_REPLICA_URL:+, replica FTF_TEST_REPLICA_URL}"
    return 0
  fi
  local pg_config="${PG_CONFIG:-$DEFAULT_PG_CONFIG}"
  if pgvector_installed "$pg_config"; then
    :
  elif [[ -n "${PG_CONFIG:-}" ]] && ! runs "$PG_CONFIG"; then
    missing "PG_CONFIG=$PG_CONFIG does not run: point it at the pg_config of a PostgreSQL 15 server, or unset it to use $DEFAULT_PG_CONFIG."
  elif can_install; then
    say "PostgreSQL 15 + pgvector $PGVECTOR_VERSION not found: installing (.ci/install-pgvector.sh, about a minute)"
    PG_CONFIG="$pg_config" bash .ci/install-pgvector.sh
  else
    missing "PostgreSQL 15 with pgvector $PGVECTOR_VERSION is missing (the store and API suites run on it): run \`$(as_root_hint .ci/install-pgvector.sh)\` (Debian 12: installs PostgreSQL 15 if needed and builds pgvector), or set FTF_TEST_DATABASE_URL to a PostgreSQL database with pgvector ≥ 0.8, then \`pnpm test\` again."
  fi
  export PG_CONFIG="$pg_config"
  start_clusters
}

CLUSTER_STATE=""

stop_clusters() {
  [[ -n "$CLUSTER_STATE" ]] || return 0
  FTF_PG_STATE="$CLUSTER_STATE" bash .ci/pg-cluster.sh stop >/dev/null 2>&1 || true
  rm -f "$CLUSTER_STATE" "${CLUSTER_STATE%.env}-replica.env"
  CLUSTER_STATE=""
  say "PostgreSQL: test cluster and replica stopped and deleted"
}

# Clusters of earlier runs that were killed before their EXIT trap (state files of processes that are gone).
stop_orphaned_clusters() {
  local state pid
  for state in "$STATE_DIR"/pg-test-*.env; do
    # A replica's state (pg-test-<pid>-replica.env) goes with its primary's: `stop` handles both.
    [[ -f "$state" && "$state" != *-replica.env ]] || continue
    pid="${state##*/pg-test-}"
    pid="${pid%.env}"
    [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && continue
    FTF_PG_STATE="$state" bash .ci/pg-cluster.sh stop >/dev/null 2>&1 || true
    rm -f "$state" "${state%.env}-replica.env"
  done
}

# This run's own cluster (its own state file: a developer's `.ci/pg-cluster.sh start` cluster is never touched).
start_clusters() {
  local line
  mkdir -p "$STATE_DIR"
  stop_orphaned_clusters
  CLUSTER_STATE="$STATE_DIR/pg-test-$$.env"
  export FTF_PG_STATE="$CLUSTER_STATE" # the replica tests pause and resume the replica through this state
  line="$(bash .ci/pg-cluster.sh start)"
  [[ "$line" == "export FTF_TEST_DATABASE_URL="* ]] || missing "could not start a PostgreSQL test cluster: $line"
  eval "$line"
  line="$(bash .ci/pg-cluster.sh replica-start)"
  [[ "$line" == "export FTF_TEST_REPLICA_URL="* ]] || missing "could not start the streaming replica: $line"
  eval "$line"
  say "PostgreSQL: throwaway cluster $FTF_TEST_DATABASE_URL, replica $FTF_TEST_REPLICA_URL (stopped on exit)"
}

# --- the tests -------------------------------------------------------------------------------------------------
trap stop_clusters EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

unit=0
if [[ "${1:-}" == --unit ]]; then
  unit=1
  shift
fi

vitest_args=()
if [[ $unit == 1 ]]; then
  # The browser test files, found by the helpers they launch Chromium with (launchChromium, launchChromiumWebGpu…);
  # the PostgreSQL suites skip themselves without a URL.
  browser_files=0
  while IFS= read -r file; do
    vitest_args+=(--exclude "$file")
    browser_files=$((browser_files + 1))
  done < <(grep -rlE --include='*.test.ts' 'launchChromium[A-Za-z]*\(' packages examples scripts 2>/dev/null | grep -v node_modules)
  say "unit tests only: $browser_files browser test files left out, PostgreSQL suites skipped (CI runs \`pnpm test\`)"
else
  ensure_chromium
  ensure_postgres
fi

say "building the packages (pnpm build)"
pnpm build
say "running vitest"
# Not exec: the EXIT trap must still stop the clusters afterwards.
pnpm exec vitest run "${vitest_args[@]}" "$@"
