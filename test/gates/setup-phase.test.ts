import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waveConfigSchema } from "../../src/config/schema.js";
import { silentLog } from "../../src/engine/deps.js";
import type { GateDeps } from "../../src/gates/gate-context.js";
import { prepareDependencies, type SetupDeps } from "../../src/gates/setup-phase.js";
import type { StoredChange } from "../../src/gates/story-change.js";
import { diskCache } from "../../src/cache/index.js";
import { restoreDependencies } from "../../src/sandbox/setup/restore-dependencies.js";
import type { StoryRow } from "../../src/store/stories.js";
import { startLocalRegistry, type LocalRegistry } from "../support/local-registry.js";
import { tarballOf, tempDir, testRunner } from "../sandbox/harness.js";

const fixture = fileURLToPath(new URL("../fixtures/repos/greet-js", import.meta.url));
const runner = testRunner();
let registry: LocalRegistry;
let deps: GateDeps & { setup: SetupDeps };
let story: StoryRow;

beforeAll(async () => {
  registry = await startLocalRegistry();
  const setup: SetupDeps = {
    cache: diskCache({ dir: tempDir("setup-phase-cache"), maxBytes: 64 * 1024 * 1024 }),
    imageId: async () => (await runner.docker.getImage(runner.policy.image).inspect()).Id,
    auth: { [registry.host]: registry.authorization },
  };
  // Only what the setup phase reads of a gate's deps and a story.
  deps = { runner, log: silentLog, setup } as unknown as GateDeps & { setup: SetupDeps };
  const config = waveConfigSchema.parse({ sandbox: { registries: [{ name: "npm", url: registry.url }] } });
  story = { id: "setup-phase-story", config } as unknown as StoryRow;
}, 120_000);
afterAll(async () => {
  await registry?.close();
});

/** The agent's change: wave-fx-hooked dropped from the manifest and the lockfile, as `npm uninstall` would. */
function uninstallHooked(): StoredChange {
  const manifest = JSON.parse(readFileSync(`${fixture}/package.json`, "utf8")) as { dependencies: Record<string, string> };
  delete manifest.dependencies["wave-fx-hooked"];
  const lock = JSON.parse(readFileSync(`${fixture}/package-lock.json`, "utf8")) as {
    packages: Record<string, { dependencies?: Record<string, string> }>;
  };
  delete lock.packages["node_modules/wave-fx-hooked"];
  delete lock.packages[""]?.dependencies?.["wave-fx-hooked"];
  const file = (path: string, value: unknown) => ({
    path,
    status: "modified" as const,
    mode: "100644" as const,
    binary: false,
    content: Buffer.from(`${JSON.stringify(value, null, 2)}\n`),
  });
  return {
    baseSha: "0".repeat(40),
    patch: "(not read by the setup phase)",
    toolCalls: [],
    files: [
      file("package.json", manifest),
      file("package-lock.json", lock),
      { path: "src/greet.js", status: "modified", mode: "100644", binary: false, content: Buffer.from("x") },
    ],
  };
}

describe("the setup phase of a gate", () => {
  it(
    "installs once, then restores the same lockfile from the cache; an agent's lockfile change is installed anew through the same path",
    { timeout: 300_000 },
    async () => {
      const first = await prepareDependencies(deps, story, "job-1", async () => tarballOf(fixture), null);
      expect(first).toMatchObject({ cached: false, plan: { ecosystems: ["npm"] } });
      expect(first?.install?.egress.some((e) => e.allowed && e.authenticated)).toBe(true);

      const second = await prepareDependencies(deps, story, "job-2", async () => tarballOf(fixture), null);
      expect(second).toMatchObject({ cached: true, key: first?.key });
      first?.archive.destroy();
      second?.archive.destroy();

      const changed = await prepareDependencies(deps, story, "job-3", async () => tarballOf(fixture), uninstallHooked());
      expect(changed?.cached).toBe(false);
      expect(changed?.key).not.toBe(first?.key);
      const ws = await runner.createWorkspace({ storyId: story.id, jobId: "job-3" }, tarballOf(fixture));
      try {
        if (!changed) throw new Error("no setup");
        await restoreDependencies(ws, changed.archive, changed.plan.installed);
        expect((await ws.exec(["test", "-d", "node_modules/wave-fx-shout"])).exitCode).toBe(0);
        expect((await ws.exec(["test", "-e", "node_modules/wave-fx-hooked"])).exitCode).toBe(1);
      } finally {
        await ws.destroy();
      }
    },
  );

  it("has nothing to do for a repository without dependency files", async () => {
    const calc = fileURLToPath(new URL("../fixtures/repos/calc-js", import.meta.url));
    expect(await prepareDependencies(deps, story, "job-4", async () => tarballOf(calc), null)).toBeNull();
  });
});
