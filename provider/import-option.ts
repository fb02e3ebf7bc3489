import * as pulumi from "@pulumi/pulumi";

/**
 * Refuses Pulumi's `import` resource option in one line saying what works instead. The engine reads an imported
 * resource without the provider code a dynamic resource stores with it (pulumi/pulumi#16175), and fails deep in
 * the provider host (`code must be a string, not undefined`, or a TypeError with its stack).
 */
export function refuseImport(
  opts: pulumi.CustomResourceOptions | undefined,
  what: string,
  instead: (id: string) => string,
): void {
  if (opts?.import === undefined) return;
  const id = typeof opts.import === "string" ? opts.import : "<its id>";
  throw new pulumi.RunError(
    `${what}: the import resource option cannot import a dynamic provider's resource (pulumi/pulumi#16175). ${instead(id)}`,
  );
}
