#!/usr/bin/env bash
# Records the Pulumi state an earlier version of pulumi-limits wrote, for test/e2e/state-upgrade.test.ts and
# test/unit/state-upgrade.test.ts: the version at COMMIT is built in a temporary git worktree, packed with
# `npm pack` and installed in a small program (Pay-i limits with and without threshold, properties, a reset
# schedule and a declared id, a use case with its limit config, a Limitry meter and limit, a Limitry customer
# where that version had one), which `pulumi up` applies against that version's own local service on a file
# backend. Saved in test/fixtures/state/<commit>/:
#   program.js      the program (FIXTURE_BUMP=1 raises the maxes and the description: the test's in-place update)
#   state.json      `pulumi stack export` after the up (secrets provider dropped; the stack holds no secret)
#   refreshed.json  the same after `pulumi refresh` by that version (read() writes its own shape); absent when
#                   that version's refresh failed (fixture.json says why)
#   service.sql     the service's SQLite database as SQL (replayed by today's service, which migrates it)
#   fixture.json    the commit, its date and subject, the service profile and whose service it was
#
# usage: scripts/record-state-fixture.sh COMMIT [--profile default|strict] [--service own|current]
# --service current runs this checkout's service (build it first) instead of the version's own: a version
# older than the strict profile meets the answers a real Pay-i gives (e.g. an unset threshold read back as 1.0).
# Run it when a change alters what the providers store, on the commit before and after the change.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=env.sh
source "$root/scripts/env.sh"

usage() {
  echo "usage: scripts/record-state-fixture.sh COMMIT [--profile default|strict] [--service own|current]" >&2
  exit 2
}
[[ $# -ge 1 ]] || usage
commit="$(git -C "$root" rev-parse --short=7 "$1^{commit}")"
shift
profile=default
service=own
while [[ $# -gt 0 ]]; do
  case "$1" in
    --profile)
      [[ $# -ge 2 && ("$2" == default || "$2" == strict) ]] || usage
      profile="$2"
      shift 2
      ;;
    --service)
      [[ $# -ge 2 && ("$2" == own || "$2" == current) ]] || usage
      service="$2"
      shift 2
      ;;
    *) usage ;;
  esac
done

out="$root/test/fixtures/state/$commit"
# The program, project and stack names are fixed: the state's URNs and the limits' derived ids depend on them.
project=state-fixture
stack=fixture
key=fixture-key-not-a-secret
work="$(mktemp -d /tmp/state-fixture-XXXXXX)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; fi
  git -C "$root" worktree remove --force "$work/src" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== building $commit in $work/src"
git -C "$root" worktree add --detach "$work/src" "$commit" >/dev/null
# Every earlier lockfile resolves to the same versions as today's, minus packages added since: hard links.
cp -al "$root/node_modules" "$work/src/node_modules"
(cd "$work/src" && rm -rf dist && node node_modules/typescript/bin/tsc -p tsconfig.build.json)
tarball="$(cd "$work/src" && npm pack --silent --pack-destination "$work")"

echo "== installing it in a program"
mkdir -p "$work/program"
cp -al "$root/node_modules" "$work/program/node_modules"
mkdir "$work/program/node_modules/pulumi-limits"
tar -xzf "$work/$tarball" -C "$work/program/node_modules/pulumi-limits" --strip-components=1
pkg="$work/program/node_modules/pulumi-limits"
has_customer="$(cd "$work/program" && node -e 'process.stdout.write(String(typeof require("pulumi-limits").limitry.Customer === "function"))')"
printf 'name: %s\nruntime: nodejs\nmain: index.js\n' "$project" >"$work/program/Pulumi.yaml"
cat >"$work/program/index.js" <<EOF
// Recorded with pulumi-limits at $commit (scripts/record-state-fixture.sh). FIXTURE_BUMP=1 changes only
// what updates in place: three maxes, a limit value and a description.
const { Limit, UseCaseDefinition, UseCaseLimitConfig, limitry } = require("pulumi-limits");
const bump = process.env.FIXTURE_BUMP === "1";
new Limit("plain", { limitName: "Plain cap", max: bump ? 120 : 100 });
new Limit("warned", { limitName: "Warned cap", max: 250.5, limitType: "block", threshold: 0.8, properties: { team: "search" } });
new Limit("fixed-id", { limitName: "Fixed id cap", max: 75, limitId: "fixture-fixed-id" }, { replaceOnChanges: ["limitType"] });
new Limit("monthly", { limitName: "Monthly cap", max: bump ? 45 : 40, reset: "monthly" });
const support = new UseCaseDefinition("support", { name: "support_bot", description: bump ? "Support bot v2" : "Support bot" });
new UseCaseLimitConfig("support", { useCaseName: support.name, max: bump ? 6 : 5, threshold: 0.9 });
const tokens = new limitry.Meter("tokens", { name: "Tokens", aggregation: "sum", field: "values.tokens" });
new limitry.Limit("daily-tokens", {
  name: "Daily tokens",
  meterId: tokens.id,
  limitValue: bump ? 150000 : 100000,
  period: "day",
  customerId: "cust_1",
  alertThresholds: [50, 80],
});
EOF
if [[ "$has_customer" == true ]]; then
  echo 'new limitry.Customer("acme", { externalId: "cust_acme", name: "Acme", timezone: "UTC" });' >>"$work/program/index.js"
fi

echo "== starting the $service service ($profile profile)"
serve_bin="$pkg/bin/pulumi-limits.js"
if [[ "$service" == current ]]; then serve_bin="$root/bin/pulumi-limits.js"; fi
mkdir -p "$work/data"
if [[ "$profile" == strict ]]; then export PULUMI_LIMITS_SERVICE_PROFILE=strict; fi
serve_args=(serve --port 0 --data-dir "$work/data" --api-key "$key")
if [[ "$profile" == strict ]]; then serve_args+=(--profile strict); fi
node "$serve_bin" "${serve_args[@]}" >"$work/serve.log" 2>&1 &
server_pid=$!
url=""
for _ in $(seq 1 100); do
  url="$(grep -o 'listening on http://[0-9.:]*' "$work/serve.log" | head -1 | sed 's/listening on //')" || true
  [[ -n "$url" ]] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
  sleep 0.2
done
[[ -n "$url" ]] || { echo "the service did not start" >&2; cat "$work/serve.log" >&2; exit 1; }

echo "== pulumi up against $url"
export PULUMI_BACKEND_URL="file://$work/backend" PULUMI_CONFIG_PASSPHRASE=fixture PULUMI_SKIP_UPDATE_CHECK=true
export PAYI_API_KEY="$key" PAYI_BASE_URL="$url" LIMITRY_API_KEY="$key" LIMITRY_BASE_URL="$url/v1"
unset NODE_PATH NODE_OPTIONS
mkdir -p "$work/backend"
cd "$work/program"
pulumi stack init "$stack" --non-interactive >/dev/null
pulumi up --yes --skip-preview --non-interactive --suppress-progress >"$work/up.log" 2>&1 || { cat "$work/up.log" >&2; exit 1; }
pulumi stack export --file "$work/state.json"
# A version whose refresh fails still wrote the state of its up: that one is kept, with the failure noted.
refresh_error=""
if pulumi refresh --yes --skip-preview --non-interactive --suppress-progress >"$work/refresh.log" 2>&1; then
  pulumi stack export --file "$work/refreshed.json"
else
  refresh_error="$(grep -m1 -o 'error: .*' "$work/refresh.log" | cut -c1-200 || echo failed)"
  echo "refresh failed at $commit: $refresh_error (no refreshed.json)" >&2
fi
kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=""

echo "== saving test/fixtures/state/$commit"
rm -rf "$out"
mkdir -p "$out"
cp "$work/program/index.js" "$out/program.js"
# Without a secrets provider the stack it is imported into uses its own (the state holds no secret).
for f in state refreshed; do
  [[ -f "$work/$f.json" ]] || continue
  node -e '
    const fs = require("node:fs");
    const d = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    delete d.deployment.secrets_providers;
    // The stack trace of each registration: bulk that the replay does not need.
    for (const r of d.deployment.resources) delete r.stackTrace;
    fs.writeFileSync(process.argv[2], JSON.stringify(d, null, 2) + "\n");
  ' "$work/$f.json" "$out/$f.json"
done
# The idempotency answers are a day's cache, not objects; their keys hold a NUL separator, which .dump cuts.
sqlite3 "$work/data/payi.sqlite" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
if [[ -n "$(sqlite3 "$work/data/payi.sqlite" "SELECT name FROM sqlite_master WHERE name = 'idempotency_keys'")" ]]; then
  sqlite3 "$work/data/payi.sqlite" "DELETE FROM idempotency_keys;"
fi
sqlite3 "$work/data/payi.sqlite" .dump >"$out/service.sql"
subject="$(git -C "$root" log -1 --format=%s "$commit" | cut -c1-160)"
date="$(git -C "$root" log -1 --format=%cI "$commit")"
node -e '
  const [commit, date, subject, profile, service, refreshError, file] = process.argv.slice(1);
  const fixture = { commit, date, subject, profile, service, project: "state-fixture", stack: "fixture" };
  if (refreshError) fixture.refreshError = refreshError;
  require("node:fs").writeFileSync(file, JSON.stringify(fixture, null, 2) + "\n");
'  "$commit" "$date" "$subject" "$profile" "$service" "$refresh_error" "$out/fixture.json"
(cd "$root" && npx biome format --write "$out" >/dev/null)
if grep -rl "$key" "$out" >/dev/null; then echo "warning: the service key appears in $out" >&2; fi
du -sh "$out"
