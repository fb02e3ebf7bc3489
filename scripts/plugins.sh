#!/usr/bin/env bash
# Builds the provider plugins (`make plugins`): for each of payi and limitry, one esbuild bundle of
# provider/plugin/<name>.ts (the provider code the dynamic providers run, with gRPC and protobuf; no
# node_modules), its package schema and a wrapper that runs it with the machine's Node (22 or later), packed as
#   dist/plugins/pulumi-resource-<name>-v<version>-linux-amd64.tar.gz
# Install one with: pulumi plugin install resource <name> <version> --file <tarball>
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="$(node -p 'require(process.argv[1]).version' "$root/package.json")"
out="$root/dist/plugins"
rm -rf "$out" && mkdir -p "$out"

for name in payi limitry; do
  dir="$out/pulumi-resource-$name"
  mkdir -p "$dir"
  esbuild "$root/provider/plugin/$name.ts" --bundle --platform=node --target=node22 --format=cjs \
    --minify --keep-names --legal-comments=external --log-level=warning \
    "--define:PULUMI_LIMITS_VERSION=\"$version\"" --outfile="$dir/pulumi-resource-$name.js"
  cp "$root/schema/$name.json" "$dir/schema.json"
  cat >"$dir/pulumi-resource-$name" <<WRAPPER
#!/bin/sh
# The $name provider plugin of pulumi-limits $version: its bundle, run with Node.js 22 or later
# (\$PULUMI_LIMITS_NODE, else node on PATH).
node="\${PULUMI_LIMITS_NODE:-node}"
major=\$("\$node" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "\$major" -lt 22 ]; then
  echo "pulumi-resource-$name: needs Node.js 22 or later, found \$("\$node" --version 2>/dev/null || echo none) (\$node): put one first on PATH or set PULUMI_LIMITS_NODE to its path" >&2
  exit 1
fi
exec "\$node" "\$(dirname "\$0")/pulumi-resource-$name.js" "\$@"
WRAPPER
  chmod +x "$dir/pulumi-resource-$name"
  tar -czf "$out/pulumi-resource-$name-v$version-linux-amd64.tar.gz" -C "$dir" .
  printf '[plugins] %s (%s KB)\n' "dist/plugins/pulumi-resource-$name-v$version-linux-amd64.tar.gz" \
    "$(( $(stat -c %s "$out/pulumi-resource-$name-v$version-linux-amd64.tar.gz") / 1024 ))" >&2
done
