import { hasChanges, recording } from "./engine.js";
import type { CliEnvironment } from "./environment.js";
import { ExitCode } from "./exit-codes.js";
import { report } from "./plan-report.js";
import { open, parse, upCommandLine } from "./stack-options.js";

/** Refreshes from the service and previews the file (or `--program`) against it: exit 3 when they differ. */
export async function driftCommand(args: string[], environment: CliEnvironment): Promise<number> {
  const p = parse(args, environment);
  const b = await open(p);
  const { recorder, callbacks } = recording(p);
  const preview = await b.stack.preview({ ...callbacks, refresh: true });
  const plan = recorder.plan(await b.useCaseNotes());
  if (!hasChanges(preview.changeSummary)) {
    if (!p.out.json) p.out.write(`\nNo drift: the service matches ${p.source}.\n`);
    await report(p, b, plan, `No drift: the service matches ${p.source}`, false);
    return ExitCode.ok;
  }
  await report(p, b, plan, `Differences between the service and ${p.source}`);
  if (!p.out.json) {
    const changed = Object.entries(preview.changeSummary)
      .filter(([op]) => op !== "same")
      .map(([op, n]) => `${n} to ${op}`);
    p.out.write(
      `\nDrift: the service differs from ${p.source} (${changed.join(", ")}). Run \`${upCommandLine(p)}\` to converge.\n`,
    );
  }
  return ExitCode.drift;
}
