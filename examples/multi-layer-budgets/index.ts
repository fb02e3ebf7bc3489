// The multi-layered budget control system from Pay-i's limits guide ("Real-World Example"), declared:
// `pulumi up` creates what is missing, updates max/name/properties in place, and replaces a limit whose
// type or threshold changed - the ensure_limit_exists script, without the script.
import * as pulumi from "@pulumi/pulumi";
import { Limit } from "pulumi-limits";

const config = new pulumi.Config();

// Safety cap: blocks requests (when Pay-i proxies them) once $50 is spent today; alerts at 90%.
const daily = new Limit("daily-safety-cap", {
  limitName: "Daily Safety Cap",
  max: 50,
  limitType: "block",
  // `pulumi config set dailyThreshold 0.95` previews what a threshold change does: a replace.
  threshold: config.getNumber("dailyThreshold") ?? 0.9,
  properties: { scope: "daily", purpose: "safety" },
});

// Budget tracker: never blocks; alerts at 80% of $1,000.
const monthly = new Limit("monthly-budget", {
  limitName: "Monthly Budget",
  max: 1000,
  limitType: "allow",
  threshold: 0.8,
  properties: { scope: "monthly", purpose: "budget" },
});

// Premium models (claude-3-opus, gpt-4o, gemini-1.5-pro): tracked against their own $300 target.
const premium = new Limit("premium-model-usage", {
  limitName: "Premium Model Usage",
  max: 300,
  limitType: "allow",
  threshold: 0.83,
  properties: { scope: "model-specific", purpose: "tracking" },
});

// Pass these ids as `limit_ids` when you ingest usage or call models through Pay-i.
export const limitIds = { daily: daily.limitId, monthly: monthly.limitId, premium: premium.limitId };
export const states = { daily: daily.state, monthly: monthly.state, premium: premium.state };
