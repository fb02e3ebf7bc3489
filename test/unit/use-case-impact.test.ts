import { describe, expect, test } from "vitest";
import { configChangeNote, definitionGoneNote } from "../../provider/payi/use-case-impact.js";

describe("use-case impact notes", () => {
  test("a config change says what instances started before keep, and that Pay-i cannot count them", () => {
    expect(configChangeNote("teach_me", { kind: "replace", fields: ["limitType"] })).toBe(
      "replacing the limit config of use case 'teach_me' to change limitType: only new instances get the new settings; instances started before keep their current limits and spend (Pay-i lists no instances of a use case, so they are not counted here)",
    );
    expect(configChangeNote("teach_me", { kind: "delete" })).toBe(
      "deleting the limit config of use case 'teach_me': new instances get no limit; instances started before keep their current limits and spend (Pay-i lists no instances of a use case, so they are not counted here)",
    );
  });

  test("a definition going away says where the instance limits stay, with or without a config now", () => {
    expect(definitionGoneNote("teach_me", false)).toBe(
      "deleting use case 'teach_me' deletes its instances with it; any limits its instances got from a limit config stay in Pay-i with their spend, as ordinary limits (Pay-i lists no instances of a use case, so they are not counted here: find each by the limit_id its instance reported, and delete it there if unwanted)",
    );
    expect(definitionGoneNote("teach_me", true, "tutor")).toBe(
      "renaming use case 'teach_me' to 'tutor' replaces it: this deletes its limit config and its instances with it; the limits its instances got stay in Pay-i with their spend, as ordinary limits (Pay-i lists no instances of a use case, so they are not counted here: find each by the limit_id its instance reported, and delete it there if unwanted)",
    );
    // Never a count or an amount that could read as "none, $0".
    expect(definitionGoneNote("teach_me", true)).not.toMatch(/\$|\b0 /);
  });
});
