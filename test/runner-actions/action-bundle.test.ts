import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { dockerRuntimes, ensureRunsc, runscState, verifySha512 } from "../../action/src/runsc.js";
import { ACTION_BUNDLE, bundleAction } from "../../scripts/build-action.js";

describe("action/dist/index.js", () => {
  it(
    "is the bundle a fresh build makes (npm run build:action after changing the action or what it bundles)",
    { timeout: 60_000 },
    async () => {
      const fresh = await bundleAction();
      const committed = readFileSync(ACTION_BUNDLE, "utf8");
      expect(committed.length, "run npm run build:action and commit action/dist/index.js").toBe(fresh.length);
      expect(committed === fresh, "run npm run build:action and commit action/dist/index.js").toBe(true);
    },
  );
});

describe("gVisor on the runner", () => {
  it("finds runsc registered with --network=none on this host and installs nothing", async () => {
    expect(runscState(await dockerRuntimes())).toBe("ready");
    const said: string[] = [];
    await expect(ensureRunsc((m) => said.push(m))).resolves.toBe("present");
    expect(said.join("\n")).toContain("registered with Docker with --network=none");
  });

  it("tells a missing runtime from one registered without --network=none", () => {
    expect(runscState({ runc: { path: "runc" } })).toBe("missing");
    expect(runscState({ runsc: { path: "/usr/bin/runsc" } })).toBe("no-network-flag");
    expect(runscState({ runsc: { path: "/usr/bin/runsc", runtimeArgs: ["--debug", "--network=none"] } })).toBe("ready");
  });

  it("installs only a binary that matches its release checksum file", () => {
    const binary = Buffer.from(`runsc release ${Math.random()}`);
    const hex = createHash("sha512").update(binary).digest("hex");
    expect(verifySha512(binary, `${hex}  runsc\n`)).toBe(hex);
    expect(verifySha512(binary, `${hex.toUpperCase()}  runsc`)).toBe(hex);
    const tampered = Buffer.concat([binary, Buffer.from("x")]);
    expect(() => verifySha512(tampered, `${hex}  runsc\n`)).toThrow(/does not match its release checksum: expected .*; not installed/);
    expect(() => verifySha512(binary, "<html>Not Found</html>")).toThrow(/holds no SHA-512/);
  });
});
