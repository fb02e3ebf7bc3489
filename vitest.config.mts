import { defineConfig } from "vitest/config";

/**
 * The e2e files whose behaviour depends on how the service answers (provider lifecycle and ownership, the CLI's
 * preview/up/refresh/drift/destroy/import/status, use cases, the examples): they also run against the service's
 * strict profile (server/profile.ts), where the code must hold or fail safe: `make test` runs both projects
 * (scripts/e2e.sh).
 */
const BOTH_PROFILES = [
  "test/e2e/provider.test.ts",
  "test/e2e/provider-safety.test.ts",
  "test/e2e/use-case-lifecycle.test.ts",
  "test/e2e/cli.test.ts",
  "test/e2e/cli-safety.test.ts",
  "test/e2e/cli-vocabulary.test.ts",
  "test/e2e/limitry-cli.test.ts",
  "test/e2e/examples.test.ts",
  "test/e2e/reset-due.test.ts",
  "test/e2e/kill-crash.test.ts",
  "test/e2e/resource-get.test.ts",
];

// Real local service + real Pulumi engine: one file at a time, generous timeouts for engine start-up. Services
// started by the tests (test/support) answer in the profile PULUMI_LIMITS_SERVICE_PROFILE names.
const e2e = { fileParallelism: false, testTimeout: 300_000, hookTimeout: 300_000 };

export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          // Type-level tests (*.test-d.ts) fail the run when an expectTypeOf does not hold.
          typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "tsconfig.json" },
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          env: { PULUMI_LIMITS_SERVICE_PROFILE: "default" },
          ...e2e,
        },
      },
      {
        extends: true,
        test: { name: "e2e-strict", include: BOTH_PROFILES, env: { PULUMI_LIMITS_SERVICE_PROFILE: "strict" }, ...e2e },
      },
    ],
  },
});
