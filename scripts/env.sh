# Sourced by scripts and the Makefile: puts the repo's toolchain first on PATH and keeps Pulumi offline.
# Safe to source more than once.
_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=versions.env
source "$_root/scripts/versions.env"
export PULUMI_HOME="${PULUMI_HOME:-$HOME/.pulumi}"
_pulumi_bin="$PULUMI_HOME/versions/$PULUMI_VERSION/bin"
case ":$PATH:" in *":$_root/.tools/node/bin:"*) ;; *) export PATH="$_root/.tools/node/bin:$_pulumi_bin:$_root/node_modules/.bin:$PATH" ;; esac
export PULUMI_SKIP_UPDATE_CHECK=true
unset _root _pulumi_bin
