import { mkdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { packageRoot } from "../../cli/node-path.js";

/**
 * A standalone nodejs Pulumi project in `dir` running `source` (e.g. what `import --format ts` wrote) as a
 * user would: `pulumi-limits` imported by name from its node_modules (a link to this checkout).
 */
export async function tsProject(dir: string, name: string, source: string): Promise<string> {
  const root = packageRoot();
  await mkdir(path.join(dir, "node_modules"), { recursive: true });
  await symlink(root, path.join(dir, "node_modules", "pulumi-limits"), "dir");
  await symlink(path.join(root, "node_modules", "@pulumi"), path.join(dir, "node_modules", "@pulumi"), "dir");
  await writeFile(
    path.join(dir, "Pulumi.yaml"),
    `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.ts\n`,
  );
  await writeFile(path.join(dir, "package.json"), JSON.stringify({ name, private: true, main: "index.ts" }));
  await writeFile(path.join(dir, "index.ts"), source);
  return dir;
}
