import { describe, expect } from "vitest";
import { importedCounts } from "../../cli/import-command.js";
import { importLimitry } from "../../cli/limitry-import.js";
import { test } from "../support/limitry-service.js";

// `import`'s limitry: section read from the real local service.

describe("import of Limitry's meters and limits", () => {
  test("each entry is keyed by a slug of its name (-2 for a name met again); limits name their meter by that key", async ({
    limitry,
  }) => {
    const { client } = limitry;
    const tokens = await client.meters.create({ name: "Total Tokens", aggregation: "sum", field: "values.tokens" });
    const again = await client.meters.create({ name: "Total tokens", aggregation: "max", field: "values.tokens" });
    await client.limits.create({ name: "Daily cap", meterId: tokens.id, limitValue: 5, period: "day" });
    await client.limits.create({ name: "Daily cap", meterId: again.id, limitValue: 9, period: "day", customerId: "c1" });

    const section = await importLimitry(client);
    expect(section.meters.map((m) => [m.key, m.name, m.adoptId])).toEqual([
      ["total-tokens", "Total Tokens", tokens.id],
      ["total-tokens-2", "Total tokens", again.id],
    ]);
    expect(section.limits.map((l) => [l.key, l.meter, l.limitValue])).toEqual([
      ["daily-cap", "total-tokens", 5],
      ["daily-cap-2", "total-tokens-2", 9],
    ]);
    // The summary counts each kind in the kinds table's words: limits and use cases always, others when present.
    expect(importedCounts({ limits: [], useCases: [], limitry: section })).toBe(
      "0 limits, 0 use cases, 2 Limitry meters and 2 Limitry limits",
    );
    expect(importedCounts({ limits: [], useCases: [] })).toBe("0 limits and 0 use cases");
  });
});
