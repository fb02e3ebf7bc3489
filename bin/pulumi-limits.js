#!/usr/bin/env node
"use strict";
const major = Number(process.versions.node.split(".")[0]);
if (major < 22) {
  console.error(`pulumi-limits needs Node.js 22 or newer; this is ${process.version}.`);
  process.exit(1);
}
// A closed pipe (`pulumi-limits preview --json | head`) ends the command quietly, as Unix tools do.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});
require("../dist/cli/main.js").main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(`pulumi-limits: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
