// Limitry's limits guide (seed 003) declared: the token meter, a daily token limit for one customer with
// alerts at 50/80/100 %, and a GPT-4-only limit. Name, limitValue and alertThresholds change in place;
// anything that changes what is counted (meter, period, customer, dimension filters) replaces the limit.
import * as pulumi from "@pulumi/pulumi";
import { limitry } from "pulumi-limits";

const config = new pulumi.Config();
const customerId = config.get("customerId") ?? "cust_123";

// What is counted: the tokens of every llm.completion event.
const tokens = new limitry.Meter("total-tokens", {
  name: "Total Tokens",
  aggregation: "sum",
  field: "values.tokens",
  eventFilter: { eventType: "llm.completion" },
});

// 100,000 tokens a day for the customer (midnight in its timezone), alerting at 50, 80 and 100 %.
// `meterId: tokens.id` (the resource id) stays known at preview while the meter updates in place.
const daily = new limitry.Limit("daily-tokens", {
  name: "Daily token limit",
  meterId: tokens.id,
  limitValue: config.getNumber("dailyTokens") ?? 100_000,
  period: "day",
  customerId,
  alertThresholds: [50, 80, 100],
});

// Only GPT-4 usage counts here: events whose dimensions include model=gpt-4.
const gpt4 = new limitry.Limit("gpt4-daily", {
  name: "GPT-4 daily limit",
  meterId: tokens.id,
  limitValue: 50_000,
  period: "day",
  customerId,
  dimensionFilters: { model: "gpt-4" },
});

// Call `client.limits.check({ customerId })` before a costly request; these are the ids it reports.
export const meterId = tokens.id;
export const limitIds = { daily: daily.limitId, gpt4: gpt4.limitId };
