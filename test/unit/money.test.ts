import { describe, expect, test } from "vitest";
import { costUnits, toUnits, toUsd } from "../../rules/payi/money.js";

describe("money in 1e-10 USD units", () => {
  test("a cost is multiplied exactly and rounded once, not per price", () => {
    expect(costUnits([{ count: 1000, price: 1.5e-11 }])).toBe(150n);
    // Three terms of 0.4 units each: 1.2 units rounds to 1; rounding each price first would give 0.
    expect(costUnits([0, 1, 2].map(() => ({ count: 1, price: 4e-11 })))).toBe(1n);
    expect(
      costUnits([
        { count: 100, price: 2.5e-6 },
        { count: 150, price: 1e-5 },
      ]),
    ).toBe(17_500_000n);
  });

  test("amounts are read as the decimals they were written as, rounded half up", () => {
    expect(toUnits(0.1 + 0.2)).toBe(3_000_000_000n);
    expect(toUnits(100 / 3)).toBe(333_333_333_333n);
    expect(toUnits(5e-11)).toBe(1n);
    expect(toUnits(4e-11)).toBe(0n);
    expect(toUnits(1e21)).toBe(10n ** 31n);
    expect(toUnits(-2.5)).toBe(-25_000_000_000n);
    expect(toUsd(toUnits(0.012305))).toBe(0.012305);
  });
});
