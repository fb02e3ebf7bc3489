import { hasChanges, recording } from "./engine.js";
import type { CliEnvironment } from "./environment.js";
import { ExitCode } from "./exit-codes.js";
import { report } from "./plan-report.js";
import { open, parse } from "./stack-options.js";

/** Refreshes from the service and previews the file against it: exit 3 when they differ. */
export async function driftCommand(args: string[], environment: CliEnvironment): Promise<number> {
  const p = parse(args, environment);
  const b = await open(p);
  const { recorder, callbacks } = recording(p);
  const preview = await b.stack.preview({ ...callbacks, refresh: true });
  const plan = recorder.plan(await b.useCaseNotes());
  if (!hasChanges(preview.changeSummary)) {
    if (!p.out.json) p.out.write(`\nNo drift: the service matches ${p.file}.\n`);
    await report(p, b, plan, `No drift: the service matches ${p.file}`, false);
    return ExitCode.ok;
  }
  await report(p, b, plan, `Differences between the service and ${p.file}`);
  if (!p.out.json) {
    const changed = Object.entries(preview.changeSummary)
      .filter(([op]) => op !== "same")
      .map(([op, n]) => `${n} to ${op}`);
    p.out.write(`\nDrift: the service differs from ${p.file} (${changed.join(", ")}). Run \`pulumi-limits up\` to converge.\n`);
  }
  return ExitCode.drift;
}
