# Sourced by scripts and the Makefile: puts the repo's toolchain first on PATH and keeps Pulumi offline.
# Safe to source more than once.
_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=versions.env
source "$_root/scripts/versions.env"
export PULUMI_HOME="${PULUMI_HOME:-$HOME/.pulumi}"
_pulumi_bin="$PULUMI_HOME/versions/$PULUMI_VERSION/bin"
case ":$PATH:" in *":$_root/.tools/node/bin:"*) ;; *) export PATH="$_root/.tools/node/bin:$_pulumi_bin:$_root/node_modules/.bin:$PATH" ;; esac
# Native addons (better-sqlite3) must compile against the Node that runs them, not the system's headers.
if [[ -x "$_root/.tools/node/bin/node" ]]; then export npm_config_nodedir="$_root/.tools/node"; fi
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DIY_BACKEND_NO_LOCK_CHECKS="${PULUMI_DIY_BACKEND_NO_LOCK_CHECKS:-}"
export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK="${PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK:-}"
unset _root _pulumi_bin
