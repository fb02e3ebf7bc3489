import { describe, expect, test } from "vitest";
import { LimitEntrySchema } from "../../cli/budgets-file.js";
import { resolveLimitKeys, type StateResource } from "../../cli/resource-keys.js";

const entry = (fields: Record<string, unknown>) => LimitEntrySchema.parse(fields);
const deployed = (key: string, inputs: Record<string, unknown>): StateResource => ({
  urn: `urn:pulumi:dev::pulumi-limits::pulumi-nodejs:dynamic/payi:Limit::${key}`,
  kind: "limit",
  key,
  id: `pl-${key}`,
  inputs: { limitType: "allow", properties: {}, ...inputs },
  outputs: { limitId: `pl-${key}` },
});

describe("which resource manages each limit of the file", () => {
  test("a new file gets slugs of the names", () => {
    expect(resolveLimitKeys([entry({ name: "Daily Cap", max: 5 }), entry({ name: "Monthly", max: 9 })], [])).toEqual({
      keys: ["daily-cap", "monthly"],
      renames: [],
    });
  });

  test("a renamed limit keeps its resource; an unchanged one keeps its own even when its slug would differ", () => {
    const state = [
      deployed("team-a", { limitName: "Team A", max: 100, threshold: 0.8 }),
      deployed("old-key", { limitName: "Kept", max: 1 }),
    ];
    const resolved = resolveLimitKeys(
      [entry({ name: "Kept", max: 1 }), entry({ name: "Team A (EU)", max: 100, threshold: 0.8 })],
      state,
    );
    expect(resolved).toEqual({ keys: ["old-key", "team-a"], renames: [{ key: "team-a", from: "Team A", to: "Team A (EU)" }] });
  });

  test("a limit that changes more than its name is not guessed to be a rename (it could be a new limit)", () => {
    expect(resolveLimitKeys([entry({ name: "B", max: 2 })], [deployed("a", { limitName: "A", max: 1 })])).toEqual({
      keys: ["b"],
      renames: [],
    });
  });

  test("a renamed limit with a reset schedule is matched with the schedule it holds among its properties", () => {
    const state = [deployed("a", { limitName: "A", max: 1, properties: { team: "ml", "pulumi-limits.reset": "monthly" } })];
    expect(resolveLimitKeys([entry({ name: "B", max: 1, reset: "monthly", properties: { team: "ml" } })], state).renames).toEqual(
      [{ key: "a", from: "A", to: "B" }],
    );
  });

  test("no rename across a type or threshold change, between several candidates, or when the entry pins its own key", () => {
    expect(
      resolveLimitKeys([entry({ name: "B", max: 1, type: "block" })], [deployed("a", { limitName: "A", max: 1 })]).keys,
    ).toEqual(["b"]);
    const two = [deployed("a", { limitName: "A", max: 1 }), deployed("c", { limitName: "C", max: 1 })];
    expect(resolveLimitKeys([entry({ name: "B", max: 1 })], two).renames).toEqual([]);
    expect(resolveLimitKeys([entry({ name: "B", max: 1, key: "fresh" })], [deployed("a", { limitName: "A", max: 1 })])).toEqual({
      keys: ["fresh"],
      renames: [],
    });
  });

  test("a slug taken by a renamed limit gets a suffix instead of colliding", () => {
    const resolved = resolveLimitKeys(
      [entry({ name: "Renamed", max: 1 }), entry({ name: "a", max: 7, type: "block" })],
      [deployed("a", { limitName: "A", max: 1 })],
    );
    expect(resolved.keys).toEqual(["a", "a-2"]);
  });
});
