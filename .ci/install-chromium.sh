#!/usr/bin/env bash
# Install Debian's chromium for headless browser tests (playwright-core with executablePath /usr/bin/chromium;
# `npx playwright install` cannot work here). Idempotent: skipped when /usr/bin/chromium already runs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CHROMIUM=/usr/bin/chromium

if [[ -x "$CHROMIUM" ]] && "$CHROMIUM" --version >/dev/null 2>&1; then
  log "already installed: $("$CHROMIUM" --version)"
else
  apt_update_once
  log "installing chromium"
  # chromium-sandbox (a Recommends) is not needed: tests run with --no-sandbox.
  apt_get install --no-install-recommends chromium
fi

log "$("$CHROMIUM" --version) ($(deb_version chromium))"

# Smoke test: can it start headless and render a page? (The same flags as the tests: packages/sdk/test/helpers/chromium.ts.)
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
out="$(timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$profile" \
  --dump-dom 'data:text/html,<p id=x>chromium-ok</p>' 2>/dev/null)" || die "headless chromium failed to start"
[[ "$out" == *chromium-ok* ]] || die "headless chromium did not render the smoke page: $out"
log "headless smoke test passed"
