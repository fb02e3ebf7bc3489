#!/usr/bin/env bash
# Provides the Pulumi CLI pinned in scripts/versions.env with the plugins the engine needs here, in
# $PULUMI_HOME/versions/<version>/bin (where the Automation API and scripts/env.sh look): the
# pulumi-resource-pulumi-nodejs shim for dynamic providers and the nodejs, python and yaml language hosts.
# Lookup order:
#   1. a `pulumi` on PATH that already reports the pinned version and has the three language hosts beside it
#      (a normal Pulumi install): nothing to do;
#   2. a cached build in that directory whose inputs are unchanged: nothing to do (each language host is
#      rebuilt alone when its inputs changed: its Go source, or the pulumi-yaml version);
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

# The Pulumi YAML language host, built from its Go module (`go install`). v1.25.0 is built on Pulumi's Go SDK
# v3.206.0 and runs under CLI v3.259.0; it is the newest the Go proxy serves here.
PULUMI_YAML_VERSION=1.25.0

on_path="$(PATH="${PATH//$bin/}" command -v pulumi || true)"
if [[ -n "$on_path" ]] && reports_version "$on_path"; then
  dir="$(dirname "$on_path")"
  if [[ -x "$dir/pulumi-language-nodejs" && -x "$dir/pulumi-language-python" && -x "$dir/pulumi-language-yaml" ]]
  then
    exit 0
  fi
fi

mkdir -p "$bin"
install_shim

# Each language host is current when its binary is there and its stamp holds the hash of what it was built from
# (this repo's hosts: the module files, their shared code and their own package; yaml: its version).
hash_of() { cat "$src/go.mod" "$src/go.sum" "$src"/internal/*/*.go "$src/$1"/*.go | sha256sum | cut -d' ' -f1; }
want_nodejs="$(hash_of langhost)"
want_python="$(hash_of pythonhost)"
want_yaml="$PULUMI_YAML_VERSION"
current() { [[ -x "$bin/pulumi-language-$1" && "$(cat "$bin/.pulumi-language-$1.stamp" 2>/dev/null)" == "$2" ]]; }
python_current() { current python "$want_python" && [[ -f "$bin/pulumi-language-python-exec" ]]; }
hosts_current() { current nodejs "$want_nodejs" && python_current && current yaml "$want_yaml"; }

# A cached build whose inputs are unchanged needs nothing else, not even Go.
if reports_version "$bin/pulumi" && hosts_current; then
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
# The CLI and this repo's language hosts are built with the same tags and -trimpath, so that the hosts reuse the
# CLI's compiled packages from Go's build cache (a few seconds each instead of about 100 s on a fresh machine).
tags=osusergo,grpcnotrace

# Prints one progress line per 200 compiled packages instead of go build -v's thousands.
progress() { awk -v what="$1" '{ n++; if (n % 200 == 0) { printf "[pulumi-cli] %s: %d packages compiled\n", what, n > "/dev/stderr"; fflush("/dev/stderr") } }'; }

if ! reports_version "$bin/pulumi"; then
  log "building the Pulumi CLI v$PULUMI_VERSION from Go modules (once; a few minutes on 2 cores)"
  started=$SECONDS
  (cd "$src" && go build -v -trimpath -tags "$tags" \
      -ldflags "-s -w $ldflags_version" \
      -o "$bin/pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi) 2>&1 | progress pulumi
  mv "$bin/pulumi.tmp" "$bin/pulumi"
  log "built $("$bin/pulumi" version) in $((SECONDS - started))s"
fi

# Other runs may be using the installed hosts right now: each build goes to a scratch directory beside them and
# is renamed over the old binary (an atomic replace on one filesystem), so a running engine never starts a
# half-written one; the stamp is replaced last.
work="$(mktemp -d "$bin/.build.XXXXXX")"
trap 'rm -rf "$work"' EXIT
install_host() { # name, stamp value: moves $work/pulumi-language-<name> into place
  chmod 0755 "$work/pulumi-language-$1"
  mv -f "$work/pulumi-language-$1" "$bin/pulumi-language-$1"
  echo "$2" >"$work/stamp" && chmod 0644 "$work/stamp" && mv -f "$work/stamp" "$bin/.pulumi-language-$1.stamp"
  log "built pulumi-language-$1 in $((SECONDS - started))s"
}
build_own_host() { # name, package
  (cd "$src" && go build -v -trimpath -tags "$tags" -ldflags "-s -w -X main.version=$PULUMI_VERSION" \
      -o "$work/pulumi-language-$1" "./$2") 2>&1 | progress "pulumi-language-$1"
}

if ! current nodejs "$want_nodejs"; then
  log "building pulumi-language-nodejs"
  started=$SECONDS
  build_own_host nodejs langhost
  install_host nodejs "$want_nodejs"
fi

# The Python host starts programs through pulumi-language-python-exec, the runner Pulumi ships beside its own
# host; it is part of the Pulumi Go SDK module the CLI is built from (not of the `pulumi` PyPI package).
if ! python_current; then
  log "building pulumi-language-python"
  started=$SECONDS
  sdk_dir="$(cd "$src" && go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)"
  install -m 0755 "$sdk_dir/python/cmd/pulumi-language-python-exec" "$work/"
  mv -f "$work/pulumi-language-python-exec" "$bin/"
  build_own_host python pythonhost
  install_host python "$want_python"
fi

if ! current yaml "$want_yaml"; then
  log "building pulumi-language-yaml v$PULUMI_YAML_VERSION from Go modules (once; about a minute and a half)"
  started=$SECONDS
  # Built with its own go.mod (go install pkg@version), as Pulumi releases it; outside this module.
  (cd "$work" && GOBIN="$work" go install -v -trimpath \
      -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=v$PULUMI_YAML_VERSION" \
      "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@v$PULUMI_YAML_VERSION") 2>&1 | progress pulumi-language-yaml
  install_host yaml "$want_yaml"
fi
