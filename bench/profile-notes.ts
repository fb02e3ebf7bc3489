/**
 * What dominates where a Limit is slower than the floor, or a goal is missed: CPU profiles and measurements
 * taken by hand (they are not part of `make bench`), kept beside the figures they explain. Re-profile when
 * these figures move.
 */
export const PROFILE_NOTES: string[] = [
  "## What dominates the misses (profiles)",
  "",
  "Profiled on 2026-11-22 on this machine, quiet, with `NODE_OPTIONS=--cpu-prof` on `pulumi preview` (no changes) of",
  "N = 300 from a program that installed the packed package (the bench program). Preview took 6.5–6.8 s for Limits and",
  "4.9–5.6 s for the floor. Program process, CPU time:",
  "",
  "| | floor | Limit | difference | what it is |",
  "| --- | ---: | ---: | ---: | --- |",
  "| whole program | 5.1 s | 6.5 s | +1.4 s | |",
  "| `@pulumi/pulumi` itself | 1.55 s | 2.13 s | +0.58 s | per-resource work of the SDK: the stack trace it records for every resource, mapped frame by frame through its vendored ts-node (`prepareStackTrace`, `wrapCallSite`, `cloneCallSite`: +0.34 s), and the promises of each property (`debuggablePromise`: +0.08 s). A Limit has more properties (its five computed outputs) and one input that is an `Output` (its stack instance, from the `StackInstance` resource) |",
  "| idle | 1.37 s | 1.73 s | +0.36 s | waiting for the engine, which waits for the provider host's `check` (zod) and `diff` of each Limit; the floor's answer at once |",
  "| garbage collection | 0.41 s | 0.55 s | +0.14 s | the same per-resource work |",
  "| loading modules | 0.46 s | 0.50 s | +0.04 s | the root entry point no longer loads the SDK or the service, and the package ships no source maps (both were the largest costs before: +4.2 s and +2.5 s at N = 300) |",
  "",
  "So what is left of the preview gap is what a Limit is, not how the package loads: its owner is an `Output` and it",
  "has computed outputs, and its provider validates every input. `check` now reuses its zod schema unless an input is",
  "unknown (building one per call cost 260 µs against 22 µs for the parse).",
  "",
  "State per limit with the CLI (2,673 bytes against 2,443 from a program): the engine stores a stack trace and a source",
  "position with every resource (about 440 bytes), relative to the Automation API's temporary work directory, so the",
  "CLI's paths are longer; and the CLI's stack output `limitIds` (which `status` reads) holds about 40 bytes per limit.",
  "The Pulumi engine has no switch for the stack traces.",
  "",
  "Ingest: every Pay-i write now carries an `Idempotency-Key` (the SDK's default, which makes a retried call charge once),",
  "and the service stores the first answer to each key in the write's own transaction. Measured side by side on",
  "2026-11-22 (8 clients, same service build): 3,566–3,998 events/s without the key and 2,555–2,838 with it, so the",
  "stored answer costs about 30% (one more row, and a B-tree page written per random key). Two changes took back about",
  "10% (one lookup per keyed write instead of two, and no index on the answers' age). The same code measured 2,000–2,900",
  "events/s at different moments of one quiet hour on this machine, so the 3,000 goal is missed by this cost, not by a",
  "regression elsewhere: without keys the service meets it.",
];
