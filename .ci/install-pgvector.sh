#!/usr/bin/env bash
# Install pgvector 0.8.0 into the machine's PostgreSQL 15 (Debian bookworm packages). On a machine without
# PostgreSQL 15 (and PG_CONFIG not set), installs Debian's postgresql-15 first, without the `main` cluster Debian
# would create and start (the tests run throwaway clusters of their own, .ci/pg-cluster.sh); and make + gcc
# where they are missing.
#
# bookworm has no pgvector package, but Debian trixie has the *source* package. We fetch that source through a
# private apt configuration (its own sources.list and its own lists dir, so the machine's apt never sees
# trixie and nothing binary can come from it), install the server headers from bookworm pinned to the exact
# version of the installed server, build with PGXS and `make install`.
#
# Idempotent: does nothing when vector.control (default_version 0.8.0) and vector.so are already installed.
#
#   PG_CONFIG   pg_config of the server to build for (default /usr/lib/postgresql/15/bin/pg_config).
#               Note /usr/local/bin/{postgres,pg_ctl,initdb} on this image are symlinks to
#               /usr/lib/postgresql/15/bin; /usr/bin/pg_config is postgresql-common's libpq wrapper — not the
#               one to build server extensions with.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PGVECTOR_VERSION=0.8.0
DEFAULT_PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config

# Debian's postgresql-15, server only. createcluster.d is postgresql-common's drop-in directory; the drop-in lives
# only for this install, so later installs on this machine get Debian's defaults again.
install_postgresql_15() {
  local dropin=/etc/postgresql-common/createcluster.d/ftf-ci-no-main-cluster.conf
  apt_update_once
  log "installing postgresql-15 (no main cluster: the tests start their own)"
  as_root mkdir -p "$(dirname "$dropin")"
  as_root sh -c "printf 'create_main_cluster = false\n' > '$dropin'"
  apt_get install --no-install-recommends postgresql-15 || {
    as_root rm -f "$dropin"
    die "apt-get install postgresql-15 failed"
  }
  as_root rm -f "$dropin"
}

# The default pg_config (named or not: `pnpm test` passes it explicitly) missing means no PostgreSQL 15 yet.
if [[ "${PG_CONFIG:-$DEFAULT_PG_CONFIG}" == "$DEFAULT_PG_CONFIG" && ! -x "$DEFAULT_PG_CONFIG" ]]; then
  install_postgresql_15
fi
PG_CONFIG="${PG_CONFIG:-$DEFAULT_PG_CONFIG}"
[[ -x "$PG_CONFIG" ]] || die "no pg_config at $PG_CONFIG (is PostgreSQL 15 installed?)"

# --- Which server are we building for? ---------------------------------------------------------------------
pg_bindir="$("$PG_CONFIG" --bindir)"
pg_version="$("$PG_CONFIG" --version)"          # PostgreSQL 15.18 (Debian 15.18-0+deb12u1)
pg_major="$(sed -E 's/^PostgreSQL ([0-9]+).*/\1/' <<<"$pg_version")"
server_version="$("$pg_bindir/postgres" --version)" # postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)
[[ "${server_version#postgres (PostgreSQL) }" == "${pg_version#PostgreSQL }" ]] ||
  die "pg_config ($pg_version) does not match the server $pg_bindir/postgres ($server_version)"
if command -v postgres >/dev/null 2>&1 &&
  [[ "$(readlink -f "$(command -v postgres)")" != "$(readlink -f "$pg_bindir/postgres")" ]]; then
  warn "'postgres' on PATH ($(command -v postgres)) is not $pg_bindir/postgres; the CI uses the latter"
fi
log "server: $pg_bindir/postgres, $server_version"

ext_dir="$("$PG_CONFIG" --sharedir)/extension"
lib_dir="$("$PG_CONFIG" --pkglibdir)"

installed_vector_version() {
  [[ -f "$ext_dir/vector.control" && -f "$lib_dir/vector.so" ]] || return 0
  sed -nE "s/^default_version *= *'([^']*)'.*/\1/p" "$ext_dir/vector.control"
}

if [[ "$(installed_vector_version)" == "$PGVECTOR_VERSION" ]]; then
  log "pgvector $PGVECTOR_VERSION already installed in $ext_dir: skipped"
  exit 0
fi

# --- Server headers: postgresql-server-dev-15, same version as the installed server, from bookworm only -----
server_pkg="postgresql-$pg_major"
dev_pkg="postgresql-server-dev-$pg_major"
server_deb="$(deb_version "$server_pkg")"
[[ -n "$server_deb" ]] || die "$server_pkg is not an installed Debian package; cannot pin $dev_pkg"

if [[ -f "$("$PG_CONFIG" --includedir-server)/postgres.h" && "$(deb_version "$dev_pkg")" == "$server_deb" ]]; then
  log "$dev_pkg $server_deb already installed"
else
  apt_update_once
  if apt-cache madison "$dev_pkg" | awk -F'|' '{ gsub(/ /, "", $2); print $2 }' | grep -qxF "$server_deb"; then
    log "installing $dev_pkg=$server_deb (pinned to the installed server)"
    apt_get install --no-install-recommends "$dev_pkg=$server_deb"
  else
    # The mirror only keeps current versions. If the image's server is older than what bookworm now carries,
    # move server, client (which ships pg_config) and headers together to bookworm's version, so they match.
    candidate="$(apt-cache policy "$dev_pkg" | awk '/Candidate:/ { print $2 }')"
    [[ -n "$candidate" && "$candidate" != "(none)" ]] || die "no $dev_pkg available from the machine's apt sources"
    warn "$dev_pkg=$server_deb is no longer on the mirror; upgrading $server_pkg and its headers to $candidate (bookworm)"
    apt_get install --no-install-recommends \
      "$server_pkg=$candidate" "postgresql-client-$pg_major=$candidate" "$dev_pkg=$candidate"
    server_deb="$candidate"
  fi
  [[ "$(deb_version "$dev_pkg")" == "$(deb_version "$server_pkg")" ]] ||
    die "$dev_pkg $(deb_version "$dev_pkg") does not match $server_pkg $(deb_version "$server_pkg")"
fi

# --- Build tools (PGXS builds with make and the compiler the server was built with) -------------------------
if ! command -v make >/dev/null 2>&1 || ! command -v gcc >/dev/null 2>&1; then
  apt_update_once
  log "installing make and gcc for the PGXS build"
  apt_get install --no-install-recommends make gcc libc6-dev
fi

# --- Source from trixie, through a private apt configuration ---------------------------------------------
apt_dir="$FTF_CI_CACHE/apt"
src_dir="$FTF_CI_CACHE/src"
mkdir -p "$apt_dir/lists/partial" "$src_dir"
[[ $EUID -eq 0 ]] && id _apt >/dev/null 2>&1 && chown _apt "$src_dir" # lets apt download sandboxed
cat >"$apt_dir/sources.list" <<'EOF'
# Private to .ci/install-pgvector.sh: trixie *source* packages only, never binaries.
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main
EOF
private_apt=(
  -o "Dir::Etc::sourcelist=$apt_dir/sources.list"
  -o "Dir::Etc::sourceparts=-"
  -o "Dir::State::Lists=$apt_dir/lists"
  -o "APT::Get::List-Cleanup=0"
)

dsc="$(find "$src_dir" -maxdepth 1 -name "pgvector_${PGVECTOR_VERSION}-*.dsc" | sort -V | tail -n1)"
if [[ -n "$dsc" && -f "$src_dir/pgvector_${PGVECTOR_VERSION}.orig.tar.gz" ]]; then
  log "source already downloaded: $dsc"
else
  log "fetching the trixie source index (private lists in $apt_dir/lists)"
  as_root apt-get -q "${private_apt[@]}" update
  src_version="$(apt-cache "${private_apt[@]}" showsrc pgvector |
    awk -v v="$PGVECTOR_VERSION" '$1 == "Version:" && index($2, v "-") == 1 { print $2 }' | sort -V | tail -n1)"
  [[ -n "$src_version" ]] || die "trixie has no pgvector $PGVECTOR_VERSION source package"
  log "downloading source package pgvector=$src_version into $src_dir"
  (cd "$src_dir" && as_root apt-get -q "${private_apt[@]}" source --download-only "pgvector=$src_version")
  dsc="$src_dir/pgvector_${src_version}.dsc"
fi

# --- Build with PGXS and install ---------------------------------------------------------------------------
make_extra=()
build_dir="$FTF_CI_CACHE/build/pgvector"
rm -rf "$build_dir"
mkdir -p "$(dirname "$build_dir")"
if command -v dpkg-source >/dev/null 2>&1; then
  # Applies Debian's patches (no-native: no -march=native, so the build does not depend on the build CPU).
  dpkg-source --no-copy -x "$dsc" "$build_dir" >/dev/null
else
  warn "dpkg-source not found: building the upstream tarball without Debian's patches"
  mkdir -p "$build_dir"
  tar -xzf "$src_dir/pgvector_${PGVECTOR_VERSION}.orig.tar.gz" -C "$build_dir" --strip-components=1
  make_extra=(OPTFLAGS=)
fi

log "building pgvector in $build_dir"
build_start=$SECONDS
make -C "$build_dir" -s -j"$(nproc)" USE_PGXS=1 PG_CONFIG="$PG_CONFIG" "${make_extra[@]}"
as_root make -C "$build_dir" -s USE_PGXS=1 PG_CONFIG="$PG_CONFIG" "${make_extra[@]}" install
log "built and installed in $((SECONDS - build_start))s"

got="$(installed_vector_version)"
[[ "$got" == "$PGVECTOR_VERSION" ]] || die "after install, vector.control says '${got:-nothing}', expected $PGVECTOR_VERSION"
log "pgvector $got installed: $ext_dir/vector.control, $lib_dir/vector.so"
