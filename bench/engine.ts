import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as automation from "@pulumi/pulumi/automation";
import { pulumiEnv } from "../cli/environment.js";
import { Limit } from "../provider/index.js";

/** The engine floor: a dynamic provider that does no I/O, with the same inputs as a Limit. */
const floorProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds, news) {
    return { inputs: news };
  },
  async diff() {
    return { changes: false };
  },
  async create(inputs) {
    return { id: `floor-${String(inputs["limitName"])}`, outs: inputs };
  },
  async read(id, props) {
    return { id, props };
  },
};

class Floor extends pulumi.dynamic.Resource {
  constructor(name: string, props: Record<string, unknown>) {
    super(floorProvider, name, props, undefined, "bench", "Floor");
  }
}

export interface EngineOptions {
  /** Only `up`, with PULUMI_SKIP_CHECKPOINTS=true: the engine writes state once at the end, not after every step. */
  upOnlyWithoutCheckpoints?: boolean;
}

export interface EngineRun {
  kind: "limit" | "floor";
  n: number;
  upMs: number;
  previewMs: number;
  refreshMs: number;
  stateBytesPerResource: number;
  providerBytes: number;
  /** Functions in the serialized provider; Pulumi's serializer wraps each one in its own scope. */
  providerFunctions: number;
}

/** up (create N), preview (no changes) and refresh of N resources on a fresh file backend. */
export async function engineRun(
  kind: "limit" | "floor",
  n: number,
  service: { url: string; apiKey: string },
  options: EngineOptions = {},
): Promise<EngineRun> {
  const dir = await mkdtemp(path.join(tmpdir(), "pulumi-limits-bench-"));
  try {
    const stack = await automation.LocalWorkspace.createOrSelectStack(
      {
        stackName: "bench",
        projectName: `bench-${kind}-${n}`,
        program: async () => {
          for (let i = 0; i < n; i++) {
            const args = { limitName: `bench ${kind} ${n} #${i}`, max: 100 + i, limitType: "allow" as const, threshold: 0.8 };
            if (kind === "limit") new Limit(`l${i}`, args);
            else new Floor(`l${i}`, { ...args, properties: {}, adopt: false, idSeed: `bench/${i}` });
          }
        },
      },
      {
        envVars: {
          ...pulumiEnv({ backend: `file://${dir}`, passphrase: "bench", apiKey: service.apiKey, baseUrl: service.url }),
          ...(options.upOnlyWithoutCheckpoints ? { PULUMI_SKIP_CHECKPOINTS: "true" } : {}),
        },
      },
    );
    const time = async (op: () => Promise<unknown>) => {
      const t = performance.now();
      await op();
      return performance.now() - t;
    };
    const upMs = await time(() => stack.up());
    if (options.upOnlyWithoutCheckpoints) {
      await stack.destroy();
      return { kind, n, upMs, previewMs: Number.NaN, refreshMs: Number.NaN, stateBytesPerResource: Number.NaN, providerBytes: Number.NaN, providerFunctions: 0 };
    }
    const previewMs = await time(async () => {
      const p = await stack.preview();
      if (Object.keys(p.changeSummary).some((op) => op !== "same")) throw new Error(`preview of ${kind} x${n} is not clean: ${JSON.stringify(p.changeSummary)}`);
    });
    const refreshMs = await time(() => stack.refresh());
    const exported = await stack.exportStack();
    const resources = exported.deployment.resources as Array<{ type: string; inputs?: Record<string, unknown> }>;
    const mine = resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic"));
    const providerText = String(mine[0]?.inputs?.["__provider"] ?? "");
    const providerBytes = Buffer.byteLength(providerText);
    const providerFunctions = (providerText.match(/function __f\d+\(/g) ?? []).length;
    const stateBytesPerResource = Buffer.byteLength(JSON.stringify(exported)) / n;
    await stack.destroy();
    return { kind, n, upMs, previewMs, refreshMs, stateBytesPerResource, providerBytes, providerFunctions };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
