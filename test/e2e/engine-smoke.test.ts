import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, expect, test } from "vitest";
import { inlineStack, tempBackend, type TempBackend } from "../support/pulumi.js";

let backend: TempBackend;
beforeAll(async () => {
  backend = await tempBackend();
});
afterAll(async () => {
  await backend.dispose();
});

// A dynamic resource whose provider does no I/O: proves the engine, the language host and the
// dynamic-provider host all run.
class Echo extends pulumi.dynamic.Resource {
  declare readonly greeting: pulumi.Output<string>;
  constructor(name: string, greeting: string) {
    const provider: pulumi.dynamic.ResourceProvider = {
      async create(inputs) {
        return { id: `echo-${inputs.greeting}`, outs: { greeting: `hello, ${inputs.greeting}` } };
      },
    };
    super(provider, name, { greeting }, undefined, "Echo");
  }
}

test("the real engine creates, previews and destroys a dynamic resource", async () => {
  const stack = await inlineStack(backend, "smoke", async () => {
    const echo = new Echo("echo", "world");
    return { greeting: echo.greeting };
  });

  const up = await stack.up();
  expect(up.summary.result).toBe("succeeded");
  expect(up.outputs["greeting"]?.value).toBe("hello, world");
  expect(up.summary.resourceChanges).toEqual({ create: 2 });

  const preview = await stack.preview();
  expect(preview.changeSummary).toEqual({ same: 2 });

  const destroy = await stack.destroy();
  expect(destroy.summary.resourceChanges).toEqual({ delete: 2 });
  await stack.workspace.removeStack("test");
  expect(await stack.workspace.listStacks()).toEqual([]);
});
