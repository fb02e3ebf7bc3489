/**
 * What dominates where a Limit is slower than the floor: a CPU profile taken by hand (it is not part of
 * `make bench`), kept beside the figures it explains. Re-profile when these figures move.
 */
export const PROFILE_NOTES: string[] = [
  "## What dominates where a Limit is slower than the floor (profile)",
  "",
  "Profiled on 2026-11-22 with `NODE_OPTIONS=--cpu-prof` on a `preview` (no changes) of N = 300 from the bench program,",
  "same machine and load as the figures above. The engine stops the dynamic-provider host without letting it write",
  "a profile, so the provider side is measured by `require` timing instead. Program process, CPU time:",
  "",
  "| | floor | Limit | difference | what it is |",
  "| --- | ---: | ---: | ---: | --- |",
  "| whole program | 21.4 s | 33.4 s | +12.0 s | |",
  '| loading `pulumi-limits` (`require("pulumi-limits")`) | 0 | 4.2 s | +4.2 s | the root entry point also loads the SDK (zod schemas, undici: 1.7 s) and the local service (fastify, better-sqlite3: 1.3 s); a program needs only the resource classes (`pulumi-limits/provider/payi/limit` loads in 1 ms) |',
  "| stack traces of `registerResource` | 7.1 s | 9.6 s | +2.5 s | Pulumi records a stack trace per resource and maps every frame through source maps (`prepareStackTrace` of its vendored ts-node); the package ships `.js.map` files, the floor module has none |",
  "| `transferProperties` | 5.7 s | 8.5 s | +2.8 s | serializing the Limit's inputs, including its five output placeholders (overlaps the row above) |",
  "| idle (waiting for the engine) | 4.0 s | 8.9 s | +5.0 s | the provider host: its start-up loads the runtime (SDK, zod, undici: 0.6–0.9 s by `require` timing here), then zod-validates each `check` |",
  "",
  "So the gap is mostly fixed costs of loading code, which a larger N amortizes, plus per-resource stack-trace",
  "mapping. Not done here (each is a change outside this benchmark's scope): a light root entry point (load the",
  "service and the SDK on first use), not shipping source maps in the package, and loading undici on the first",
  "request instead of with the SDK.",
];
