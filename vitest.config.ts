import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    pool: "forks",
    // Two cores here; Docker and Postgres tests are heavy, so keep the worker count small.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // No real network in tests: nock blocks it in each file that talks to GitHub.
    restoreMocks: true,
  },
});
