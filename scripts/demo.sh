#!/usr/bin/env bash
# `make demo`: runs demo/run.ts (compiled) with the repo's toolchain on PATH.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=env.sh
source "$root/scripts/env.sh"
cd "$root"
exec node dist/demo/run.js
