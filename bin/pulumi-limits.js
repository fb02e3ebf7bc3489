#!/usr/bin/env node
"use strict";
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
