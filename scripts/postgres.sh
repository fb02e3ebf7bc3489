#!/usr/bin/env bash
# Provides the PostgreSQL server binaries (initdb, pg_ctl, postgres, psql) that `make test` and
# `make bench` need for the PostgreSQL state backend: Debian's `postgresql` package, installed with apt-get
# only when missing. Starts nothing: tests and the bench run a private cluster each (test/support/postgres.ts)
# on loopback and stop it afterwards. If the package's install starts the system cluster, it is stopped again.
# Prints nothing when the binaries are already there. PG_BIN=/path/to/bin overrides the lookup.
set -euo pipefail

log() { printf '[postgres] %s\n' "$*" >&2; }

# The newest /usr/lib/postgresql/<major>/bin with initdb (Debian keeps server binaries off PATH), else PATH.
find_bin() {
  if [[ -n "${PG_BIN:-}" ]]; then
    [[ -x "$PG_BIN/initdb" ]] && echo "$PG_BIN"
    return 0
  fi
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [[ -n "$dir" && -x "$dir/initdb" ]]; then echo "$dir"; return 0; fi
  if command -v initdb >/dev/null; then dirname "$(command -v initdb)"; fi
}

if [[ -n "$(find_bin)" ]]; then
  exit 0
fi
if [[ -n "${PG_BIN:-}" ]]; then
  log "PG_BIN=$PG_BIN has no initdb"
  exit 1
fi

as_root=()
if [[ "$(id -u)" -ne 0 ]]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
  else
    log "PostgreSQL is needed for the state-backend tests and bench. Install Debian's package as root"
    log "(apt-get install postgresql), or point PG_BIN at a directory holding initdb, pg_ctl and psql."
    exit 1
  fi
fi
if ! command -v apt-get >/dev/null; then
  log "no apt-get here: install PostgreSQL (server and client) and set PG_BIN to its bin directory"
  exit 1
fi

log "installing PostgreSQL (apt-get install postgresql; once)"
started=$SECONDS
"${as_root[@]}" apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends postgresql >/dev/null
# Debian creates and may start a "main" cluster; this repo never uses it, so leave it stopped.
if command -v pg_lsclusters >/dev/null; then
  pg_lsclusters --no-header 2>/dev/null | while read -r version cluster _port status _rest; do
    if [[ "$status" == online* ]]; then "${as_root[@]}" pg_ctlcluster "$version" "$cluster" stop || true; fi
  done
fi
bin="$(find_bin)"
[[ -n "$bin" ]] || { log "apt-get installed postgresql but no initdb was found"; exit 1; }
log "installed $("$bin/postgres" --version) in $((SECONDS - started))s"
