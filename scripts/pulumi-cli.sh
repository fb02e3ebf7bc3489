#!/usr/bin/env bash
# Provides the Pulumi CLI pinned in scripts/versions.env, with the two plugins the engine needs for
# Node.js programs and dynamic providers, in $PULUMI_HOME/versions/<version>/bin (where the Automation API
# and scripts/env.sh look). Lookup order:
#   1. a `pulumi` on PATH that already reports the pinned version (a normal Pulumi install): nothing to do;
#   2. a cached build in that directory whose inputs are unchanged: nothing to do (the language host is
#      rebuilt alone when its Go source changed);
#   3. build it from Go modules (tools/pulumi-cli), which takes several minutes once; Go's caches are kept.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=versions.env
source "$root/scripts/versions.env"
PULUMI_HOME="${PULUMI_HOME:-$HOME/.pulumi}"
bin="$PULUMI_HOME/versions/$PULUMI_VERSION/bin"
src="$root/tools/pulumi-cli"
shim="$root/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"

log() { printf '[pulumi-cli] %s\n' "$*" >&2; }

reports_version() { [[ -x "$1" ]] && [[ "$("$1" version 2>/dev/null)" == "v$PULUMI_VERSION" ]]; }

install_shim() {
  [[ -f "$shim" ]] || { log "missing $shim: run npm ci first"; exit 1; }
  cmp -s "$shim" "$bin/pulumi-resource-pulumi-nodejs" 2>/dev/null || install -m 0755 "$shim" "$bin/"
}

on_path="$(PATH="${PATH//$bin/}" command -v pulumi || true)"
if [[ -n "$on_path" ]] && reports_version "$on_path" && [[ -x "$(dirname "$on_path")/pulumi-language-nodejs" ]]; then
  exit 0
fi

mkdir -p "$bin"
install_shim

stamp="$bin/.pulumi-language-nodejs.stamp"
want="$(cat "$src/go.mod" "$src/go.sum" "$src"/internal/*/*.go "$src"/langhost/*.go | sha256sum | cut -d' ' -f1)"
langhost_current() { [[ -x "$bin/pulumi-language-nodejs" && "$(cat "$stamp" 2>/dev/null)" == "$want" ]]; }

# A cached build whose inputs are unchanged needs nothing else, not even Go.
if reports_version "$bin/pulumi" && langhost_current; then
  exit 0
fi

# Go from PATH, else its usual install locations.
if ! command -v go >/dev/null; then
  for dir in /usr/local/go/bin /usr/lib/go/bin "$HOME/go/bin" "$HOME/.local/go/bin"; do
    if [[ -x "$dir/go" ]]; then PATH="$dir:$PATH"; break; fi
  done
fi
if ! command -v go >/dev/null; then
  log "Go is needed to build the Pulumi CLI v$PULUMI_VERSION here. Either install Go (>= 1.25), or install"
  log "Pulumi v$PULUMI_VERSION the usual way (https://www.pulumi.com/docs/install/) so that it is on PATH."
  exit 1
fi

ldflags_version="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION"

# Prints one progress line per 200 compiled packages instead of go build -v's thousands.
progress() { awk -v what="$1" '{ n++; if (n % 200 == 0) { printf "[pulumi-cli] %s: %d packages compiled\n", what, n > "/dev/stderr"; fflush("/dev/stderr") } }'; }

if ! reports_version "$bin/pulumi"; then
  log "building the Pulumi CLI v$PULUMI_VERSION from Go modules (once; a few minutes on 2 cores)"
  started=$SECONDS
  (cd "$src" && go build -v -trimpath -tags osusergo,grpcnotrace \
      -ldflags "-s -w $ldflags_version" \
      -o "$bin/pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi) 2>&1 | progress pulumi
  mv "$bin/pulumi.tmp" "$bin/pulumi"
  log "built $("$bin/pulumi" version) in $((SECONDS - started))s"
fi

# Rebuilt whenever its source changes (the stamp holds the hash of what it was built from). Other runs may be
# using the installed host right now: each build goes to its own temporary file and is renamed over the old one
# (an atomic replace on one filesystem), so a running engine never starts a half-written binary.
if ! langhost_current; then
  log "building pulumi-language-nodejs"
  tmp="$(mktemp "$bin/.pulumi-language-nodejs.XXXXXX")"
  trap 'rm -f "$tmp"' EXIT
  (cd "$src" && go build -trimpath -ldflags "-s -w -X main.version=$PULUMI_VERSION" -o "$tmp" ./langhost)
  chmod 0755 "$tmp"
  mv -f "$tmp" "$bin/pulumi-language-nodejs"
  stamp_tmp="$(mktemp "$stamp.XXXXXX")"
  echo "$want" >"$stamp_tmp" && chmod 0644 "$stamp_tmp" && mv -f "$stamp_tmp" "$stamp"
fi
