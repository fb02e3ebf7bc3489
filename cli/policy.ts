import { existsSync, statSync } from "node:fs";
import path from "node:path";
import type { PolicyEvent } from "@pulumi/pulumi/automation";
import { CliError, ExitCode } from "./exit-codes.js";
import { packageRoot } from "./node-path.js";

/** One policy violation the engine reported during a preview or an update. */
export interface PolicyViolation {
  /** `mandatory` stops the preview or update; `advisory` only warns. */
  enforcementLevel: string;
  /** `pulumi-limits@v0.1.0`. */
  policyPack: string;
  policy: string;
  /** The resource's name in the stack (its key), absent for a violation of the whole stack. */
  resource?: string;
  message: string;
}

/** `--policy-pack DIR` and `--policy-pack-config FILE` of preview and up, as Pulumi spells them; each may repeat. */
export const POLICY_FLAGS = {
  "policy-pack": { type: "string", multiple: true },
  "policy-pack-config": { type: "string", multiple: true },
} as const;

/** The policy options of the Automation API's preview and up. */
export interface PolicyOptions {
  policyPacks?: string[];
  policyPackConfigs?: string[];
}

/** The directory of the policy pack this package ships (dist/policy): what `--policy-pack` takes. */
export function shippedPolicyPack(): string {
  return path.join(packageRoot(), "dist", "policy");
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v) => typeof v === "string") : [];
}

/**
 * The packs and their config files from the parsed flags, as absolute paths (the engine runs in another
 * directory), checked before anything runs: each pack a directory with a PulumiPolicy.yaml, each config a
 * file, at most one config per pack (the n-th config belongs to the n-th pack, as in Pulumi).
 */
export function policyOptions(values: Record<string, unknown>): PolicyOptions {
  const packs = strings(values["policy-pack"]).map((p) => path.resolve(p));
  const configs = strings(values["policy-pack-config"]).map((c) => path.resolve(c));
  for (const pack of packs) {
    if (!existsSync(path.join(pack, "PulumiPolicy.yaml")))
      throw new CliError(
        `--policy-pack ${pack}: not a policy pack (no PulumiPolicy.yaml there); \`pulumi-limits policy-pack\` prints the directory of the one this package ships`,
        ExitCode.badInput,
      );
  }
  if (configs.length > packs.length)
    throw new CliError(
      `${configs.length} --policy-pack-config for ${packs.length} --policy-pack: each config file belongs to the --policy-pack in the same position`,
      ExitCode.badInput,
    );
  for (const config of configs) {
    if (!existsSync(config) || !statSync(config).isFile())
      throw new CliError(`--policy-pack-config ${config}: no such file`, ExitCode.badInput);
  }
  if (packs.length === 0) return {};
  return configs.length > 0 ? { policyPacks: packs, policyPackConfigs: configs } : { policyPacks: packs };
}

/**
 * The engine's policy event as a plan entry. Its message is the policy's description, a newline, then what
 * the policy reported, in colour tags: the entry keeps what was reported (the policy name stands for the rest).
 */
export function policyViolation(event: PolicyEvent): PolicyViolation {
  const text = event.message.replace(/<\{%[^%]*%\}>/g, "").trim();
  const resource = event.resourceUrn ? event.resourceUrn.slice(event.resourceUrn.lastIndexOf("::") + 2) : undefined;
  return {
    enforcementLevel: event.enforcementLevel,
    policyPack: `${event.policyPackName}@v${event.policyPackVersion}`,
    policy: event.policyName,
    ...(resource && !event.resourceUrn?.includes("::pulumi:pulumi:Stack::") ? { resource } : {}),
    message: text.includes("\n") ? text.slice(text.indexOf("\n") + 1).trim() : text,
  };
}

/** The mandatory violations among `violations`: any one of them stops a preview or an update. */
export function mandatory(violations: PolicyViolation[]): PolicyViolation[] {
  return violations.filter((v) => v.enforcementLevel === "mandatory");
}

/** The text plan's lines for the violations. */
export function renderViolations(violations: PolicyViolation[]): string[] {
  return violations.map(
    (v) => `policy ${v.enforcementLevel}: ${v.policy} (${v.policyPack})${v.resource ? ` on '${v.resource}'` : ""}: ${v.message}`,
  );
}

/** The Markdown summary's section for the violations, empty when there are none. */
export function violationsMarkdown(violations: PolicyViolation[], cell: (text: string) => string): string[] {
  if (violations.length === 0) return [];
  const lines = ["### Policy violations", "", "| Level | Policy | Resource | Violation |", "| --- | --- | --- | --- |"];
  for (const v of violations) {
    const level = v.enforcementLevel === "mandatory" ? "**mandatory**" : v.enforcementLevel;
    lines.push(`| ${level} | ${cell(`${v.policy} (${v.policyPack})`)} | ${cell(v.resource ?? "(stack)")} | ${cell(v.message)} |`);
  }
  lines.push("");
  return lines;
}

/** Mandatory first, then by policy, resource and message: the engine reports them in no fixed order. */
export function ordered(violations: PolicyViolation[]): PolicyViolation[] {
  const rank = (v: PolicyViolation) => (v.enforcementLevel === "mandatory" ? 0 : 1);
  return [...violations].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      a.policy.localeCompare(b.policy) ||
      (a.resource ?? "").localeCompare(b.resource ?? "") ||
      a.message.localeCompare(b.message),
  );
}

/** The error a command ends with when mandatory violations stopped it: `up: 2 mandatory policy violations: nothing was applied`. */
export function policyBlocked(command: string, violations: PolicyViolation[], consequence?: string): CliError {
  const count = mandatory(violations).length;
  const what = `${command}: ${count} mandatory policy violation${count === 1 ? "" : "s"}`;
  return new CliError(consequence ? `${what}: ${consequence}` : what, ExitCode.failure);
}
