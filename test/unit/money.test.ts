import { describe, expect, test } from "vitest";
import { costUnits, formatUsd, toUnits, toUsd } from "../../rules/payi/money.js";

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

  test("amounts print exactly, with at least cents and thousands grouped, as plans, notes and reports show them", () => {
    expect(formatUsd(1200.5)).toBe("$1,200.50");
    expect(formatUsd(1000)).toBe("$1,000.00");
    expect(formatUsd(0)).toBe("$0.00");
    expect(formatUsd(0.05381)).toBe("$0.05381");
    expect(formatUsd(7.5)).toBe("$7.50");
    expect(formatUsd(0.1 + 0.2)).toBe("$0.30");
    // Past the fifth decimal nothing is rounded away (a reviewer sees what a limit really holds).
    expect(formatUsd(0.000123456)).toBe("$0.000123456");
    expect(formatUsd(1.5e-9)).toBe("$0.0000000015");
    expect(formatUsd(1_234_567.891)).toBe("$1,234,567.891");
    expect(formatUsd(-2.5)).toBe("-$2.50");
  });
});
