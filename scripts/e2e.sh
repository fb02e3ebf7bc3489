#!/usr/bin/env bash
# The e2e suites: every file against the service's default profile (vitest project `e2e`) and the files whose
# behaviour depends on how Pay-i answers against its strict profile too (`e2e-strict`, see vitest.config.mts).
# Two streams at once, each one file at a time: the files are independent (each starts its own service,
# state backend, PostgreSQL cluster and example copy), and the engine's runs leave a core idle often enough
# that two streams finish well before one would. Lines are prefixed with their stream.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Default-profile files run in the second stream, after the strict ones, to even the streams out (about
# 24 minutes each on 2 cores in December 2026). Every other file, new ones included, runs in the first.
SECOND=(test/e2e/cli-kinds.test.ts test/e2e/postgres-backend.test.ts test/e2e/state-upgrade.test.ts test/e2e/policy-pack.test.ts)
first=()
for file in test/e2e/*.test.ts; do
  [[ " ${SECOND[*]} " == *" ${file} "* ]] || first+=("${file}")
done

prefixed() {
  local name=$1
  shift
  "$@" 2>&1 | sed -u "s/^/[${name}] /"
  return "${PIPESTATUS[0]}"
}

first_stream() {
  prefixed e2e npx vitest run --project e2e "${first[@]}"
}

second_stream() {
  local status=0
  prefixed e2e-strict npx vitest run --project e2e-strict || status=$?
  prefixed e2e npx vitest run --project e2e "${SECOND[@]}" || status=$?
  return "${status}"
}

first_stream &
a=$!
second_stream &
b=$!
status=0
wait "${a}" || status=$?
wait "${b}" || status=$?
exit "${status}"
