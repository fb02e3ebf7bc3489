/**
 * The pulumi-limits policy pack (Pulumi CrossGuard): loaded by `@pulumi/pulumi`'s policy-pack runner from
 * dist/policy, the directory `pulumi-limits policy-pack` prints, which also holds PulumiPolicy.yaml and the
 * package.json (written by the build) whose version the pack reports.
 */
import { PolicyPack } from "@pulumi/policy";
import { POLICIES } from "./policies.js";

new PolicyPack("pulumi-limits", {
  description: "Budgets as code for AI spend: blocking caps, ceilings, thresholds and use-case limits.",
  displayName: "pulumi-limits budgets",
  policies: POLICIES,
});
