import { describe, expect, test } from "vitest";
import {
  OWNERSHIP_TABLE,
  claimOf,
  createDecision,
  deleteDecision,
  importDecision,
  ownershipRow,
  updateDecision,
  type OwnershipFacts,
} from "../../rules/ownership.js";

// One case per row of the ownership table, each naming the decision it expects: a row that decided otherwise,
// or a case that landed on another row, fails.
const cases: Array<[string, OwnershipFacts, string]> = [
  [
    "create: another resource of this stack holds it",
    { action: "create", claim: "sibling", found: "identity", adopt: true },
    "refuse-owned-elsewhere",
  ],
  [
    "create: another stack holds it, even with adopt",
    { action: "create", claim: "foreign", found: "declared-id", adopt: true },
    "refuse-owned-elsewhere",
  ],
  ["create: its record names this resource", { action: "create", claim: "mine", found: "identity", adopt: false }, "take"],
  ["create: nobody's, adopt asked", { action: "create", claim: "unowned", found: "identity", adopt: true }, "adopt"],
  [
    "create: nobody's, adopt not asked",
    { action: "create", claim: "unowned", found: "derived-id", adopt: false },
    "refuse-needs-adopt",
  ],
  [
    "create: no record readable, at this resource's derived id",
    { action: "create", claim: "unreadable", found: "derived-id", adopt: false },
    "take",
  ],
  [
    "create: no record readable, named by its id with adopt",
    { action: "create", claim: "unreadable", found: "declared-id", adopt: true },
    "adopt",
  ],
  [
    "create: no record readable, found by name with adopt",
    { action: "create", claim: "unreadable", found: "identity", adopt: true },
    "refuse-unverifiable",
  ],
  [
    "create: no record readable, adopt not asked",
    { action: "create", claim: "unreadable", found: "identity", adopt: false },
    "refuse-needs-adopt",
  ],
  ["update: another resource of this stack took it", { action: "update", claim: "sibling" }, "refuse-owned-elsewhere"],
  ["update: another stack took it", { action: "update", claim: "foreign" }, "refuse-owned-elsewhere"],
  ["update: the state holds it (no record names anyone else)", { action: "update", claim: "unreadable" }, "update"],
  ["import: another resource of this stack manages it", { action: "import", claim: "sibling" }, "refuse-owned-elsewhere"],
  ["import: another stack manages it", { action: "import", claim: "foreign" }, "refuse-owned-elsewhere"],
  ["import: no record readable (Pay-i's Limit model)", { action: "import", claim: "unreadable" }, "refuse-unverifiable"],
  ["import: nobody's record", { action: "import", claim: "unowned" }, "import"],
  [
    "delete: a replacement's generation holds it",
    { action: "delete", claim: "mine", sameGeneration: false, takenByReplacement: false },
    "skip",
  ],
  [
    "delete: its record names this resource",
    { action: "delete", claim: "mine", sameGeneration: true, takenByReplacement: false },
    "delete",
  ],
  [
    "delete: no record readable, a replacement converged on it this run",
    { action: "delete", claim: "unreadable", takenByReplacement: true },
    "skip",
  ],
  [
    "delete: no record readable, the state holds it",
    { action: "delete", claim: "unreadable", takenByReplacement: false },
    "delete",
  ],
  ["delete: released, or someone else's now", { action: "delete", claim: "unowned", takenByReplacement: false }, "leave"],
];

describe("the ownership table", () => {
  test.for(cases)("%s", ([, facts, expected]) => {
    const row = ownershipRow(facts);
    expect(row?.decision).toBe(expected);
    const decision =
      facts.action === "create"
        ? createDecision(facts)
        : facts.action === "update"
          ? updateDecision(facts)
          : facts.action === "import"
            ? importDecision(facts)
            : deleteDecision(facts);
    expect(decision).toBe(expected);
  });

  test("every row decides one of the cases above (no row is dead or untested)", () => {
    const hit = new Set(cases.map(([, facts]) => ownershipRow(facts)));
    expect(OWNERSHIP_TABLE.filter((row) => !hit.has(row))).toEqual([]);
  });

  test("other cases fall to the row that covers them", () => {
    expect(updateDecision({ claim: "mine" })).toBe("update");
    expect(updateDecision({ claim: "unowned" })).toBe("update");
    expect(importDecision({ claim: "mine" })).toBe("import");
    expect(deleteDecision({ claim: "foreign", sameGeneration: false, takenByReplacement: false })).toBe("leave");
    expect(deleteDecision({ claim: "mine", takenByReplacement: true })).toBe("delete");
    expect(createDecision({ claim: "unreadable", found: "declared-id", adopt: false })).toBe("refuse-needs-adopt");
  });

  test("a record's claim: the stack instance tells stacks apart, the resource name tells resources apart", () => {
    const me = { instance: "i1", resource: "cap" };
    expect(claimOf(undefined, me)).toBe("unowned");
    expect(claimOf({ instance: "i1", resource: "cap" }, me)).toBe("mine");
    expect(claimOf({ instance: "i1", resource: "other" }, me)).toBe("sibling");
    expect(claimOf({ instance: "i2", resource: "cap" }, me)).toBe("foreign");
  });
});
