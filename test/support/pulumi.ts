import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import * as automation from "@pulumi/pulumi/automation";
import { pulumiEnv } from "../../cli/environment.js";

/** Passphrase for the throwaway stacks tests create; never a real secret. */
export const TEST_PASSPHRASE = "pulumi-limits-tests";

export interface TempBackend {
  dir: string;
  /** Environment for the Automation API: file backend in `dir`, offline, local secrets. */
  envVars: Record<string, string>;
  dispose(): Promise<void>;
}

/** A file backend in a fresh temp directory, removed by `dispose()`. */
export async function tempBackend(): Promise<TempBackend> {
  const dir = await mkdtemp(path.join(tmpdir(), "pulumi-limits-state-"));
  return {
    dir,
    envVars: pulumiEnv({ backend: `file://${dir}`, passphrase: TEST_PASSPHRASE }),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/** An inline-program stack on `backend`, working in the repo so dynamic providers resolve its modules. */
export async function inlineStack(
  backend: TempBackend,
  projectName: string,
  program: automation.PulumiFn,
): Promise<automation.Stack> {
  return automation.LocalWorkspace.createOrSelectStack({ stackName: "test", projectName, program }, { envVars: backend.envVars });
}
