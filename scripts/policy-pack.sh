#!/usr/bin/env bash
# Completes dist/policy (compiled from policy/ by tsc) as a Pulumi policy pack directory: PulumiPolicy.yaml,
# and a package.json, whose version @pulumi/policy reports as the pack's (this package's version). Run by
# `make build` and `npm run build`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/dist/policy"
[[ -f "$out/index.js" ]] || { echo "policy-pack: $out/index.js is missing: compile first (tsc -p tsconfig.build.json)" >&2; exit 1; }
cp "$root/policy/PulumiPolicy.yaml" "$out/PulumiPolicy.yaml"
node -e '
const [root, out] = process.argv.slice(1);
const { version } = require(`${root}/package.json`);
const pack = { name: "pulumi-limits-policy", version, private: true, description: "The pulumi-limits policy pack", main: "index.js" };
require("node:fs").writeFileSync(`${out}/package.json`, `${JSON.stringify(pack, null, 2)}\n`);
' "$root" "$out"
