/**
 * The demo program (Pulumi.yaml at the repo root): the seed's multi-layered budget control system as
 * declarations instead of an ensure-limit-exists script, plus a use case whose every run gets a budget.
 * `demo:dailyThreshold` lets the demo show what a threshold change (a replace) looks like.
 */
import * as pulumi from "@pulumi/pulumi";
import { Limit, UseCaseDefinition, UseCaseLimitConfig } from "../provider/index.js";

const config = new pulumi.Config("demo");

const daily = new Limit("daily-safety-cap", {
  limitName: "Daily Safety Cap",
  max: 50,
  limitType: "block",
  threshold: config.getNumber("dailyThreshold") ?? 0.9,
  properties: { scope: "daily", purpose: "safety" },
});

const monthly = new Limit("monthly-budget", {
  limitName: "Monthly Budget",
  max: 1000,
  limitType: "allow",
  threshold: 0.8,
  properties: { scope: "monthly", purpose: "budget" },
});

const premium = new Limit("premium-model-usage", {
  limitName: "Premium Model Usage",
  max: 300,
  limitType: "allow",
  threshold: 0.83,
  properties: { scope: "model-specific", purpose: "tracking" },
});

const teachMe = new UseCaseDefinition("teach-me", { name: "teach_me", description: "Tutoring sessions" });
new UseCaseLimitConfig("teach-me-limit", { useCaseName: teachMe.name, max: 0.05, limitType: "allow", threshold: 0.8 });

export const limitIds = { daily: daily.limitId, monthly: monthly.limitId, premium: premium.limitId };
