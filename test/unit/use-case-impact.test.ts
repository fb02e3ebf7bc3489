import { describe, expect, test } from "vitest";
import { configChangeNote, definitionGoneNote } from "../../provider/payi/use-case-impact.js";
import { instanceLimitName, isInstanceLimitOf } from "../../rules/payi/use-case.js";

describe("use-case impact notes", () => {
  test("an instance limit belongs to exactly its own use case", () => {
    const name = instanceLimitName("teach_me", "0f1c");
    expect(isInstanceLimitOf(name, "teach_me")).toBe(true);
    expect(isInstanceLimitOf(name, "teach")).toBe(false);
    expect(isInstanceLimitOf("teach_me/", "teach_me")).toBe(false);
    expect(isInstanceLimitOf("teach_me", "teach_me")).toBe(false);
  });

  test("no instances and no config: nothing to say", () => {
    const none = { useCaseName: "teach_me", count: 0, spendUsd: 0 };
    expect(configChangeNote({ kind: "replace", fields: ["limitType"] }, none)).toBeUndefined();
    expect(definitionGoneNote(none, false)).toBeUndefined();
    expect(definitionGoneNote(none, true)).toBe("deleting use case 'teach_me' deletes its limit config with it");
  });

  test("one instance is singular and spend is exact to the last digit", () => {
    const one = { useCaseName: "teach_me", count: 1, spendUsd: 0.05381 };
    expect(configChangeNote({ kind: "delete" }, one)).toBe(
      "deleting the limit config of use case 'teach_me': new instances get no limit; its 1 existing instance keeps its current limit and $0.05381 of spend",
    );
    expect(definitionGoneNote({ ...one, spendUsd: 7.5 }, false, "tutor")).toBe(
      "renaming use case 'teach_me' to 'tutor' replaces it: this deletes its 1 existing instance with it; that instance's limit stays in Pay-i with $7.50 of spend, as an ordinary limit named 'teach_me/<use case id>' (delete it there if unwanted)",
    );
  });
});
