import { describe, expect, test } from "vitest";
import { Limit, limitry, type LimitArgs } from "../../provider/index.js";
import { inlineStack } from "../support/pulumi.js";
import { TEST_API_KEY } from "../support/service.js";
import { useServiceAndBackend } from "../support/stack-env.js";

// Issue 23 and the findings: what a Pulumi program's author reads when a declaration cannot work.
const env = useServiceAndBackend();

async function stackOf(project: string, program: () => void) {
  const stack = await inlineStack(env.backend(), project, async () => {
    program();
  });
  await stack.setConfig("payi:apiKey", { value: TEST_API_KEY, secret: true });
  await stack.setConfig("payi:baseUrl", { value: env.service().url });
  await stack.setConfig("limitry:apiKey", { value: TEST_API_KEY, secret: true });
  await stack.setConfig("limitry:baseUrl", { value: `${env.service().url}/v1` });
  return stack;
}

const failureOf = (p: Promise<unknown>) =>
  p.then(
    () => "succeeded",
    (error: unknown) => String(error),
  );

describe("a declaration that cannot work fails in one line saying what to do", () => {
  test("max as a string names the field and quotes the value", async () => {
    const args = { limitName: "String Max", max: "50" } as unknown as LimitArgs;
    const stack = await stackOf("string-max", () => new Limit("cap", args));
    const error = await failureOf(stack.preview());
    expect(error).toContain('has a problem: max: must be a number, got the string "50"');
  });

  test("the import resource option: what to declare instead, not the provider host's TypeError", async () => {
    const stack = await stackOf("import-option", () => {
      new Limit("cap", { limitName: "Imported", max: 5 }, { import: "some-id" });
      new limitry.Meter("m", { name: "m", aggregation: "count", field: "*" }, { import: "mtr_1" });
    });
    const error = await failureOf(stack.preview());
    expect(error).toContain(
      `Limit 'cap': the import resource option cannot import a dynamic provider's resource (pulumi/pulumi#16175). Take the limit over with limitId: "some-id" and adopt: true instead.`,
    );
    expect(error).not.toMatch(/toJavaScript|code must be a string|\n\s+at /);
  });

  test("swapping the names of two limits explains the renames one at a time, which then work", async () => {
    const names = { a: "Swap A", b: "Swap B" };
    const stack = await stackOf("swap", () => {
      new Limit("a", { limitName: names.a, max: 10 });
      new Limit("b", { limitName: names.b, max: 20 });
    });
    await stack.up();
    Object.assign(names, { a: "Swap B", b: "Swap A" });
    const error = await failureOf(stack.up());
    expect(error).toMatch(
      /renaming limit 'Swap [AB]' \([^)]+\) to 'Swap [AB]': another limit holds that name and Pay-i keeps names unique\. To swap the names of two limits, apply one rename at a time: /,
    );
    for (const step of [
      { a: "Swap tmp", b: "Swap B" },
      { a: "Swap tmp", b: "Swap A" },
      { a: "Swap B", b: "Swap A" },
    ]) {
      Object.assign(names, step);
      expect((await stack.up()).summary.result).toBe("succeeded");
    }
    const live = await env.service().client.limits.list();
    expect(
      live.items
        .filter((l) => l.limit_name.startsWith("Swap"))
        .map((l) => [l.limit_name, l.max])
        .sort(),
    ).toEqual([
      ["Swap A", 20],
      ["Swap B", 10],
    ]);
    await stack.destroy();
  });
});
