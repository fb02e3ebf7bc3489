#!/usr/bin/env bash
# Runs the conformance suite: the official `payi` Python client against a freshly started local service
# (its strict profile with PULUMI_LIMITS_SERVICE_PROFILE=strict).
# The virtualenv lives in .tools/venv and is rebuilt only when requirements.txt changes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.tools/venv"
req="$root/test/conformance/requirements.txt"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$req" | cut -d' ' -f1)"
if [[ ! -x "$venv/bin/python" || "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
  echo "[conformance] creating $venv with $(python3 --version)" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req"
  echo "$want" >"$stamp"
fi
cd "$root"
exec "$venv/bin/python" -m pytest -q -p no:cacheprovider test/conformance "$@"
