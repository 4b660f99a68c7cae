#!/usr/bin/env bash
# A throwaway PostgreSQL 15 + pgvector cluster for the tests.
#
#   .ci/pg-cluster.sh start    initdb a fresh temp data dir, start it on a free port on 127.0.0.1 only,
#                              create database ftf_test with the vector extension, run an HNSW smoke test,
#                              and print `export FTF_TEST_DATABASE_URL=…` on stdout:
#                                eval "$(.ci/pg-cluster.sh start)"
#                              When this checkout's cluster is already running, just prints the line again.
#   .ci/pg-cluster.sh url      print the URL of the running cluster
#   .ci/pg-cluster.sh psql …   psql into ftf_test (extra arguments go to psql)
#   .ci/pg-cluster.sh status   say whether it runs
#   .ci/pg-cluster.sh stop     stop it (and its replica) and delete the data dirs (no-op when none runs)
#
# A streaming read replica of that cluster (PostgreSQL's own physical replication, for the replica tests):
#   .ci/pg-cluster.sh replica-start    pg_basebackup -R (with a replication slot) into a fresh temp dir, start
#                                      it as a hot standby on the next free port, and print
#                                      `export FTF_TEST_REPLICA_URL=…` (again, when it already runs)
#   .ci/pg-cluster.sh replica-pause    pg_ctl stop the replica, keeping its data (failover tests)
#   .ci/pg-cluster.sh replica-resume   start it again on the same port; it catches up from its slot
#   .ci/pg-cluster.sh replica-status   say whether it runs (exit 3 when not)
#   .ci/pg-cluster.sh replica-stop     stop it, delete its data dir, drop its slot on the primary
#
# PostgreSQL refuses to run as root: as root, the server runs as the `postgres` user. Otherwise as you.
# Trust authentication, loopback only: a test cluster, never a real one.
#
#   PG_CONFIG      pg_config of the server (default /usr/lib/postgresql/15/bin/pg_config)
#   FTF_PG_PORT    first port to try (default 54329; the next free one up to +100 is taken)
#   FTF_PG_STATE   state file (default .ci/.cache/pg-cluster.env in this checkout, git-ignored); the replica's
#                  is the same path with `-replica` before `.env`
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PG_CONFIG="${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}"
STATE="${FTF_PG_STATE:-$CI_DIR/.cache/pg-cluster.env}"
REPLICA_STATE="${STATE%.env}-replica.env"
REPLICA_SLOT=ftf_test_replica
DB=ftf_test

pg_bindir() {
  [[ -x "$PG_CONFIG" ]] || die "no pg_config at $PG_CONFIG (is PostgreSQL 15 installed?)"
  "$PG_CONFIG" --bindir
}

# Run a server-side command as the cluster's owner, from a directory that owner can read.
as_owner() {
  if [[ -n "${PG_OWNER:-}" ]]; then
    (cd / && runuser -u "$PG_OWNER" -- "$@")
  else
    "$@"
  fi
}

load_state() {
  [[ -f "$STATE" ]] || return 1
  # shellcheck source=/dev/null
  source "$STATE"
}

is_running() {
  load_state && [[ -d "$PG_TMP/data" ]] && as_owner "$PG_BIN/pg_ctl" -D "$PG_TMP/data" status >/dev/null 2>&1
}

url() { printf 'postgres://postgres@127.0.0.1:%s/%s' "$PG_PORT" "$DB"; }

psql_() {
  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@"
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

cmd_stop() {
  cmd_replica_stop >/dev/null 2>&1 || true
  if ! load_state; then
    log "no test cluster recorded in $STATE"
    return 0
  fi
  if [[ -d "$PG_TMP/data" ]]; then
    if as_owner "$PG_BIN/pg_ctl" -D "$PG_TMP/data" status >/dev/null 2>&1; then
      as_owner "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m fast -w -t 30 stop >/dev/null ||
        as_owner "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m immediate -w stop >/dev/null
      log "stopped the test cluster on port $PG_PORT"
    fi
  fi
  case "$PG_TMP" in
  */ftf-pg.*) rm -rf "$PG_TMP" ;; # only ever delete what we created
  esac
  rm -f "$STATE"
}

cmd_start() {
  if is_running; then
    log "test cluster already running on port $PG_PORT ($PG_TMP)"
    echo "export FTF_TEST_DATABASE_URL=$(url)"
    return 0
  fi
  cmd_stop >/dev/null 2>&1 || true # leftovers of a cluster that died

  PG_BIN="$(pg_bindir)"
  PG_OWNER=""
  [[ $EUID -eq 0 ]] && PG_OWNER=postgres
  PG_TMP="$(mktemp -d "${TMPDIR:-/tmp}/ftf-pg.XXXXXX")"
  [[ -n "$PG_OWNER" ]] && chown "$PG_OWNER:" "$PG_TMP"
  chmod 700 "$PG_TMP"
  PG_PORT=""
  mkdir -p "$(dirname "$STATE")"
  write_state
  # Whatever goes wrong from here on, do not leave a half-started cluster behind.
  trap 'rc=$?; if [[ $rc -ne 0 ]]; then log "start failed, cleaning up"; cmd_stop >/dev/null 2>&1 || true; fi' EXIT

  log "initdb $PG_TMP/data ($("$PG_BIN/postgres" --version))"
  as_owner "$PG_BIN/initdb" -D "$PG_TMP/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
  cat >>"$PG_TMP/data/postgresql.conf" <<EOF

# --- .ci/pg-cluster.sh: a throwaway test cluster ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PG_TMP'
maintenance_work_mem = '1GB'   # HNSW builds: ~3x slower at the 64 MB default
shared_buffers = '${FTF_PG_SHARED_BUFFERS:-128MB}'  # benchmarks: size it to the HNSW index (1GB for 100k x 768)
fsync = off                    # throwaway data: durability buys nothing here
synchronous_commit = off
full_page_writes = off
EOF

  local port="${FTF_PG_PORT:-54329}" last=$((${FTF_PG_PORT:-54329} + 100))
  while :; do
    ((port <= last)) || die "no free port in ${FTF_PG_PORT:-54329}..$last"
    if port_in_use "$port"; then
      port=$((port + 1))
      continue
    fi
    if as_owner "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -o "-p $port" -w -t 60 start >/dev/null; then
      break
    fi
    if grep -q 'could not bind\|could not create any TCP/IP sockets\|Address already in use' "$PG_TMP/server.log"; then
      log "port $port taken meanwhile, trying the next one"
      port=$((port + 1))
      continue
    fi
    tail -n 30 "$PG_TMP/server.log" >&2 || true
    die "pg_ctl start failed"
  done
  PG_PORT="$port"
  write_state
  log "started on 127.0.0.1:$PG_PORT"

  psql_ -d postgres -c "CREATE DATABASE $DB"
  psql_ -d "$DB" -c 'CREATE EXTENSION IF NOT EXISTS vector'
  smoke_test
  trap - EXIT
  echo "export FTF_TEST_DATABASE_URL=$(url)"
}

write_state() {
  cat >"$STATE" <<EOF
PG_BIN='$PG_BIN'
PG_OWNER='$PG_OWNER'
PG_TMP='$PG_TMP'
PG_PORT='$PG_PORT'
EOF
}

# Prove that pgvector works, HNSW index included; leaves nothing behind in ftf_test (rolled back).
smoke_test() {
  local out
  out="$(psql_ -d "$DB" -At <<'SQL'
BEGIN;
CREATE TABLE ftf_ci_smoke (id int, v vector(3));
INSERT INTO ftf_ci_smoke SELECT i, ARRAY[random(), random(), random()]::vector FROM generate_series(1, 1000) i;
CREATE INDEX ftf_ci_smoke_hnsw ON ftf_ci_smoke USING hnsw (v vector_cosine_ops);
SET LOCAL enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM ftf_ci_smoke ORDER BY v <=> '[1,2,3]' LIMIT 5;
SELECT 'nearest=' || count(*) FROM (SELECT id FROM ftf_ci_smoke ORDER BY v <=> '[1,2,3]' LIMIT 5) n;
SELECT 'extversion=' || extversion FROM pg_extension WHERE extname = 'vector';
SELECT 'distance=' || round(('[1,2,3]'::vector <=> '[1,2,4]')::numeric, 6);
SELECT 'distance_ok=' || (abs(('[1,2,3]'::vector <=> '[1,2,4]') - 0.0085399) < 1e-5);
ROLLBACK;
SQL
)"
  grep -q 'Index Scan using ftf_ci_smoke_hnsw' <<<"$out" || die "HNSW index not used by the smoke query:"$'\n'"$out"
  grep -qx 'nearest=5' <<<"$out" || die "HNSW search returned the wrong row count:"$'\n'"$out"
  grep -q 'distance_ok=true' <<<"$out" || die "unexpected cosine distance:"$'\n'"$out"
  log "pgvector smoke test passed: $(grep -E '^(extversion|distance)=' <<<"$out" | paste -sd' '), HNSW index scan used"
}

# --- the streaming replica ----------------------------------------------------------------------------------------

load_replica_state() {
  [[ -f "$REPLICA_STATE" ]] || return 1
  # shellcheck source=/dev/null
  source "$REPLICA_STATE"
}

replica_url() { printf 'postgres://postgres@127.0.0.1:%s/%s' "$REPLICA_PORT" "$DB"; }

replica_running() {
  load_state && load_replica_state && [[ -d "$REPLICA_TMP/data" ]] &&
    as_owner "$PG_BIN/pg_ctl" -D "$REPLICA_TMP/data" status >/dev/null 2>&1
}

write_replica_state() {
  cat >"$REPLICA_STATE" <<EOF
REPLICA_TMP='$REPLICA_TMP'
REPLICA_PORT='$REPLICA_PORT'
EOF
}

# pg_ctl start on REPLICA_PORT; -w waits until the standby is consistent and accepts read-only connections.
replica_pg_start() {
  as_owner "$PG_BIN/pg_ctl" -D "$REPLICA_TMP/data" -l "$REPLICA_TMP/server.log" -o "-p $REPLICA_PORT" -w -t 60 start >/dev/null
}

cmd_replica_start() {
  is_running || die "no test cluster running: start the primary first (.ci/pg-cluster.sh start)"
  if replica_running; then
    log "replica already running on port $REPLICA_PORT ($REPLICA_TMP)"
    echo "export FTF_TEST_REPLICA_URL=$(replica_url)"
    return 0
  fi
  cmd_replica_stop >/dev/null 2>&1 || true # leftovers of a replica that died
  REPLICA_TMP="$(mktemp -d "${TMPDIR:-/tmp}/ftf-pg-replica.XXXXXX")"
  [[ -n "$PG_OWNER" ]] && chown "$PG_OWNER:" "$REPLICA_TMP"
  chmod 700 "$REPLICA_TMP"
  REPLICA_PORT=""
  write_replica_state
  trap 'rc=$?; if [[ $rc -ne 0 ]]; then log "replica start failed, cleaning up"; cmd_replica_stop >/dev/null 2>&1 || true; fi' EXIT

  # -R writes standby.signal + primary_conninfo; -C -S a physical slot, so the primary keeps the WAL a paused
  # replica needs to catch up. initdb's default pg_hba.conf already trusts replication from 127.0.0.1.
  log "pg_basebackup from 127.0.0.1:$PG_PORT into $REPLICA_TMP/data"
  as_owner "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PG_PORT" -U postgres -D "$REPLICA_TMP/data" \
    -R -X stream -C -S "$REPLICA_SLOT" -c fast --no-sync >/dev/null
  cat >>"$REPLICA_TMP/data/postgresql.conf" <<EOF

# --- .ci/pg-cluster.sh: the streaming replica (later lines win over the primary's copied settings) ---
unix_socket_directories = '$REPLICA_TMP'
hot_standby = on
hot_standby_feedback = on      # no query cancellations from vacuum on the primary
EOF

  local port=$((PG_PORT + 1)) last=$((PG_PORT + 101))
  while :; do
    ((port <= last)) || die "no free port in $((PG_PORT + 1))..$last"
    if port_in_use "$port"; then
      port=$((port + 1))
      continue
    fi
    REPLICA_PORT="$port"
    if replica_pg_start; then
      break
    fi
    if grep -q 'could not bind\|could not create any TCP/IP sockets\|Address already in use' "$REPLICA_TMP/server.log"; then
      log "port $port taken meanwhile, trying the next one"
      port=$((port + 1))
      continue
    fi
    tail -n 30 "$REPLICA_TMP/server.log" >&2 || true
    die "pg_ctl start of the replica failed"
  done
  write_replica_state
  local recovery streaming
  recovery="$("$PG_BIN/psql" -X -At -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -d "$DB" -c 'SELECT pg_is_in_recovery()')"
  [[ "$recovery" == t ]] || die "the replica on port $REPLICA_PORT is not in recovery"
  for _ in $(seq 50); do
    streaming="$(psql_ -d postgres -At -c "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")"
    [[ "$streaming" -ge 1 ]] && break
    sleep 0.2
  done
  [[ "$streaming" -ge 1 ]] || die "the primary shows no streaming replica"
  log "replica streaming from port $PG_PORT on 127.0.0.1:$REPLICA_PORT (slot $REPLICA_SLOT)"
  trap - EXIT
  echo "export FTF_TEST_REPLICA_URL=$(replica_url)"
}

cmd_replica_pause() {
  replica_running || die "no replica running (start one with: .ci/pg-cluster.sh replica-start)"
  as_owner "$PG_BIN/pg_ctl" -D "$REPLICA_TMP/data" -m fast -w -t 30 stop >/dev/null
  log "replica on port $REPLICA_PORT stopped (data kept; replica-resume starts it again)"
}

cmd_replica_resume() {
  load_state && load_replica_state && [[ -d "$REPLICA_TMP/data" ]] || die "no replica recorded in $REPLICA_STATE"
  if replica_running; then
    log "replica already running on port $REPLICA_PORT"
    return 0
  fi
  replica_pg_start || {
    tail -n 30 "$REPLICA_TMP/server.log" >&2 || true
    die "pg_ctl start of the replica failed"
  }
  log "replica on port $REPLICA_PORT started again"
}

cmd_replica_stop() {
  load_state || true
  if load_replica_state; then
    if [[ -d "$REPLICA_TMP/data" ]] && as_owner "$PG_BIN/pg_ctl" -D "$REPLICA_TMP/data" status >/dev/null 2>&1; then
      as_owner "$PG_BIN/pg_ctl" -D "$REPLICA_TMP/data" -m fast -w -t 30 stop >/dev/null ||
        as_owner "$PG_BIN/pg_ctl" -D "$REPLICA_TMP/data" -m immediate -w stop >/dev/null
      log "stopped the replica on port $REPLICA_PORT"
    fi
    case "$REPLICA_TMP" in
    */ftf-pg-replica.*) rm -rf "$REPLICA_TMP" ;; # only ever delete what we created
    esac
    rm -f "$REPLICA_STATE"
  fi
  # The slot would make the primary keep WAL forever.
  if is_running; then
    psql_ -d postgres -At -c "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '$REPLICA_SLOT' AND NOT active" >/dev/null || true
  fi
}

case "${1:-}" in
start) cmd_start ;;
replica-start) cmd_replica_start ;;
replica-pause) cmd_replica_pause ;;
replica-resume) cmd_replica_resume ;;
replica-stop) cmd_replica_stop ;;
replica-status)
  if replica_running; then
    log "replica running on 127.0.0.1:$REPLICA_PORT, data in $REPLICA_TMP/data"
    replica_url
    echo
  else
    log "no replica running"
    exit 3
  fi
  ;;
stop) cmd_stop ;;
status)
  if is_running; then
    log "running on 127.0.0.1:$PG_PORT, data in $PG_TMP/data"
    url
    echo
  else
    log "not running"
    exit 3
  fi
  ;;
url)
  is_running || die "no test cluster running (start one with: .ci/pg-cluster.sh start)"
  url
  echo
  ;;
psql)
  shift
  is_running || die "no test cluster running (start one with: .ci/pg-cluster.sh start)"
  "$PG_BIN/psql" -X -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$DB" "$@"
  ;;
*)
  echo "usage: $0 start|stop|status|url|psql [psql args…]|replica-start|replica-pause|replica-resume|replica-status|replica-stop" >&2
  exit 2
  ;;
esac
