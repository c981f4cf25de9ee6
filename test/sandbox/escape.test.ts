import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo, Server } from "node:net";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PathOutsideWorkspace, SandboxUnavailable } from "../../src/errors.js";
import type { Workspace } from "../../src/sandbox/runner.js";
import { waitFor } from "../support/test-keys.js";
import { emptyTarball, tarballOf, tempDir, testRunner } from "./harness.js";

/**
 * Each case tries to break out or exhaust the host and asserts it was contained, not merely
 * that the command ran. One shared sandbox serves the cases that leave it usable; the ones
 * that kill or starve their sandbox get their own.
 */
const CANARIES = {
  GITHUB_TOKEN: `ghs_canary_${process.pid}_github`,
  ANTHROPIC_API_KEY: `sk-ant-canary-${process.pid}`,
  WAVE_TEST_SECRET: `canary-secret-${process.pid}`,
};
const SMALL = { memory_mb: 1024, workspace_mb: 64, tmp_mb: 32, pids_limit: 128 };

function tarballWith(files: Record<string, string>) {
  const dir = tempDir("escape");
  for (const [path, content] of Object.entries(files)) writeFileSync(join(dir, path), content);
  return tarballOf(dir);
}

describe("escape suite", () => {
  const runner = testRunner();
  let ws: Workspace;
  let listener: Server;
  let port: number;
  let connections = 0;

  beforeAll(async () => {
    // Credentials in the app's own environment: none may reach the sandbox.
    Object.assign(process.env, CANARIES);
    listener = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, "0.0.0.0", resolve));
    port = (listener.address() as AddressInfo).port;
    ws = await runner.createWorkspace({ storyId: "escape", jobId: `escape-${process.pid}`, limits: SMALL }, emptyTarball());
  });

  afterAll(async () => {
    await ws?.destroy();
    listener?.close();
    for (const name of Object.keys(CANARIES)) delete process.env[name];
  });

  describe("network", () => {
    it("cannot reach a listener on the host's loopback or its other addresses", async () => {
      const hostAddresses = Object.values(networkInterfaces())
        .flat()
        .flatMap((a) => (a && a.family === "IPv4" ? [a.address] : []));
      expect(hostAddresses).toContain("127.0.0.1");
      for (const address of hostAddresses) {
        const r = await ws.exec(["bash", "-c", `exec 3<>/dev/tcp/${address}/${port} && echo CONNECTED`], { timeoutMs: 10_000 });
        expect(r.stdout).not.toContain("CONNECTED");
        expect(r.exitCode).not.toBe(0);
      }
      expect(connections).toBe(0);
    });

    it("cannot reach an outside address or resolve a name", async () => {
      const tcp = await ws.exec(["bash", "-c", "exec 3<>/dev/tcp/1.1.1.1/443 && echo CONNECTED"], { timeoutMs: 10_000 });
      expect(tcp.stdout).not.toContain("CONNECTED");
      expect(tcp.stderr).toMatch(/unreachable|No route|refused/i);
      const dns = await ws.exec(["getent", "hosts", "deb.debian.org"], { timeoutMs: 10_000 });
      expect(dns.exitCode).not.toBe(0);
      expect(dns.stdout).toBe("");
    });

    it("has no network interface but loopback", async () => {
      const r = await ws.exec(["cat", "/proc/net/dev"]);
      const interfaces = r.stdout
        .split("\n")
        .slice(2)
        .map((l) => l.split(":")[0]?.trim())
        .filter(Boolean);
      expect(interfaces).toEqual(["lo"]);
    });
  });

  describe("host files and processes", () => {
    it("reads the image's /etc/shadow, never the host's", async () => {
      const hostShadow = readFileSync("/etc/shadow", "utf8");
      const hostRootLine = hostShadow.split("\n").find((l) => l.startsWith("root:")) ?? "root:";
      const r = await ws.exec(["sh", "-c", "cat /etc/shadow; cat /host/etc/shadow /proc/1/root/etc/shadow 2>&1"]);
      expect(r.stdout).toContain("wave:!");
      expect(r.stdout).not.toContain(hostRootLine);
      expect(r.stdout + r.stderr).not.toContain(hostShadow.slice(0, 60));
    });

    it("sees only its own processes: /proc/1 is the sandbox's init with a bare environment", async () => {
      const r = await ws.exec([
        "sh",
        "-c",
        "tr '\\0' '\\n' </proc/1/environ; echo ---; cat /proc/1/cmdline | tr '\\0' ' '; echo; ps -e -o comm=",
      ]);
      const [environ = "", rest = ""] = r.stdout.split("---\n");
      expect(
        environ
          .split("\n")
          .filter(Boolean)
          .map((l) => l.split("=")[0])
          .sort(),
      ).toEqual(["HOME", "HOSTNAME", "LANG", "PATH", "PWD"]);
      expect(rest).toContain("while :; do sleep 3600");
      expect(rest).not.toMatch(/node|dockerd|containerd|vitest/);
      for (const value of Object.values(CANARIES)) expect(r.stdout).not.toContain(value);
    });

    it("has no Docker socket and none of the host's files", async () => {
      const r = await ws.exec(["sh", "-c", "ls /var/run/docker.sock /run/docker.sock /work 2>&1; echo; cat /proc/mounts"]);
      expect(r.stdout).toMatch(/docker\.sock'?: No such file/);
      expect(r.stdout).toMatch(/\/work'?: No such file/);
      const mounts = r.stdout.split("\n\n")[1] ?? "";
      expect(mounts).toContain(" / ");
      expect(mounts).not.toMatch(/docker\.sock|\/work\b|\/var\/lib\/docker/);
    });
  });

  it("holds no credential-looking variable, whatever the app's environment has", async () => {
    const r = await ws.exec(["sh", "-c", "env; cat /proc/*/environ 2>/dev/null | tr '\\0' '\\n'"], { env: { CI: "true" } });
    for (const value of Object.values(CANARIES)) expect(r.stdout).not.toContain(value);
    const names = [
      ...new Set(
        r.stdout
          .split("\n")
          .filter((l) => l.includes("="))
          .map((l) => l.split("=")[0] ?? ""),
      ),
    ];
    expect(names.filter((n) => /token|secret|key|passw|credential|auth|github|anthropic|aws|docker/i.test(n))).toEqual([]);
    expect(names).toContain("CI");
  });

  describe("writes", () => {
    it("cannot write outside the workspace, /tmp and home: the root filesystem is read-only", async () => {
      const r = await ws.exec([
        "sh",
        "-c",
        "for f in /etc/evil /usr/bin/evil /usr/local/bin/evil /evil /var/evil /opt/evil; do touch $f 2>/dev/null && echo WROTE $f; done; " +
          "touch /workspace/ok /tmp/ok $HOME/ok && echo writable-ok",
      ]);
      expect(r.stdout).not.toContain("WROTE");
      expect(r.stdout).toContain("writable-ok");
      const mounts = await ws.exec(["sh", "-c", "grep -E ' / ' /proc/mounts"]);
      expect(mounts.stdout).toMatch(/\bro\b/);
    });

    it("stops a command filling the disk at the tmpfs cap and reports it", async () => {
      const r = await ws.exec(["sh", "-c", "dd if=/dev/zero of=/workspace/fill bs=1M count=500"]);
      expect(r.exitCode).not.toBe(0);
      expect(r.stderr).toMatch(/No space left on device/);
      const size = await ws.exec(["sh", "-c", "stat -c %s /workspace/fill; rm -f /workspace/fill; df -m /workspace | tail -1"]);
      const written = Number(size.stdout.split("\n")[0]);
      expect(written).toBeLessThanOrEqual(64 * 1024 * 1024);
      expect(written).toBeGreaterThan(32 * 1024 * 1024);
      const tmp = await ws.exec(["sh", "-c", "dd if=/dev/zero of=/tmp/fill bs=1M count=500; rm -f /tmp/fill"]);
      expect(tmp.stderr).toMatch(/No space left on device/);
    });
  });

  describe("time and output", () => {
    it("kills a command sleeping past its timeout, with the children that ignore their parent dying", async () => {
      const r = await ws.exec(
        ["sh", "-c", "(trap '' HUP TERM INT; exec sleep 301) & nohup sleep 302 >/dev/null 2>&1 & setsid sleep 303 & sleep 300"],
        {
          timeoutMs: 1500,
        },
      );
      expect(r.timedOut).toBe(true);
      expect(r.exitCode).toBe(124);
      expect(r.durationMs).toBeLessThan(1500 + 5000);
      const ps = await ws.exec(["ps", "-e", "-o", "args="]);
      expect(ps.stdout).not.toMatch(/sleep 30[0-3]/);
    });

    it("leaves nothing a finished command started running", async () => {
      const r = await ws.exec(["sh", "-c", "sleep 304 & echo started"]);
      expect(r.stdout).toBe("started\n");
      const ps = await ws.exec(["ps", "-e", "-o", "args="]);
      expect(ps.stdout).not.toContain("sleep 304");
    });

    it("truncates output with a visible marker", async () => {
      const r = await ws.exec(["sh", "-c", "head -c 100000 /dev/zero | tr '\\0' a; echo oops >&2"], { outputLimitBytes: 1000 });
      expect(r.truncated).toBe(true);
      expect(r.stdout).toBe(`${"a".repeat(1000)}\n…[truncated 99000 bytes]`);
      expect(r.stderr).toBe("oops\n");
    });
  });

  describe("fork bombs", () => {
    /** Each keeps forking (or starting threads) past every failure, so only the runner can stop it. */
    const bombs: { language: string; argv: string[] }[] = [
      { language: "shell", argv: ["bash", "-c", ":(){ :|:& };:; sleep 60"] },
      { language: "Python os.fork", argv: ["python3", "-c", "import os\nwhile True:\n  try: os.fork()\n  except OSError: pass"] },
      {
        language: "Node child_process",
        argv: [
          "node",
          "-e",
          "const cp = require('child_process'); for (;;) { try { cp.spawn('sleep', ['600']).on('error', () => {}); } catch {} }",
        ],
      },
      {
        language: "Python threads",
        argv: [
          "python3",
          "-c",
          "import threading, time\nwhile True:\n  try: threading.Thread(target=time.sleep, args=(600,)).start()\n  except RuntimeError: pass",
        ],
      },
    ];
    let bombed: Workspace;

    beforeAll(async () => {
      bombed = await runner.createWorkspace(
        { storyId: "escape", jobId: `bomb-${process.pid}`, limits: { ...SMALL, pids_limit: 64 } },
        emptyTarball(),
      );
    });

    afterAll(async () => {
      await bombed?.destroy();
    });

    // One sandbox for all four, in turn: each bomb must leave it usable for the next command.
    it.each(bombs)(
      "kills a $language bomb at the process limit, the sandbox lives on and the host stays responsive",
      async ({ argv }) => {
        const pings: number[] = [];
        let bombing = true;
        const pinger = (async () => {
          while (bombing) {
            const t = performance.now();
            await runner.docker.ping();
            pings.push(performance.now() - t);
            await new Promise((r) => setTimeout(r, 100));
          }
        })();
        // The timeout is far away: the process watch, not the timeout, has to stop it.
        const r = await bombed.exec(argv, { timeoutMs: 90_000 });
        bombing = false;
        await pinger;
        expect(r.killed).toBe("process limit");
        // The launcher's watch inside the sandbox stopped it, not the runner's slower one from outside.
        expect(r.stderr).toContain("wave-exec: killed: process limit");
        expect(r.exitCode).toBe(137);
        expect(r.timedOut).toBe(false);
        expect(r.durationMs).toBeLessThan(60_000);
        expect(Math.max(...pings)).toBeLessThan(2000);
        const after = await bombed.exec(["sh", "-c", "echo alive; ps -e --no-headers | wc -l"]);
        expect(after.exitCode).toBe(0);
        const [alive, count] = after.stdout.trim().split("\n");
        expect(alive).toBe("alive");
        expect(Number(count)).toBeLessThan(10);
      },
      180_000,
    );
  });

  it("kills a memory bomb and reports it as out of memory", async () => {
    const bombed = await runner.createWorkspace(
      { storyId: "escape", jobId: `oom-${process.pid}`, limits: { memory_mb: 256, workspace_mb: 64, tmp_mb: 16 } },
      emptyTarball(),
    );
    try {
      const r = await bombed.exec(["python3", "-c", "x = []\nwhile True: x.append(bytearray(16 << 20))"], { timeoutMs: 60_000 });
      expect(r.oomKilled).toBe(true);
      expect(r.exitCode).toBe(137);
      expect(r.timedOut).toBe(false);
      await expect(bombed.exec(["true"])).rejects.toThrow(SandboxUnavailable);
      await expect(bombed.exec(["true"])).rejects.toThrow(/out of memory/);
    } finally {
      await bombed.destroy();
    }
  });

  it("does not report a sandbox killed from outside (docker kill) as out of memory", async () => {
    const killed = await runner.createWorkspace({ storyId: "escape", jobId: `killed-${process.pid}`, limits: SMALL }, emptyTarball());
    try {
      const running = killed.exec(["sleep", "60"], { timeoutMs: 90_000 });
      await waitFor(async () => (await killed.exec(["pgrep", "-x", "sleep"])).stdout.trim() !== "");
      await runner.docker.getContainer(killed.id).kill();
      const error: unknown = await running.then(
        (r) => r,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SandboxUnavailable);
      expect((error as Error).message).toMatch(/stopped \(removed by the reaper or from outside\)/);
    } finally {
      await killed.destroy();
    }
  });

  describe("the exported change is the workspace's files and nothing else", () => {
    let repo: Workspace;
    const CANARY = `OUTSIDE-CANARY-${process.pid}`;
    /** Each case runs in the workspace as the agent would, then edits a.txt and adds new.txt. */
    const cases: { name: string; tamper: string; extra?: Record<string, string> }[] = [
      { name: "core.worktree pointing at the home directory", tamper: "git config core.worktree /home/wave" },
      { name: "core.worktree pointing at /etc", tamper: "git config core.worktree /etc" },
      { name: "core.bare", tamper: "git config core.bare true" },
      {
        name: "include.path",
        tamper: "printf '[core]\\n\\tworktree = /home/wave\\n' >/home/wave/evil.cfg && git config include.path /home/wave/evil.cfg",
      },
      {
        name: "includeIf",
        tamper:
          "printf '[core]\\n\\tworktree = /home/wave\\n' >/home/wave/evil.cfg && git config 'includeIf.gitdir:/.path' /home/wave/evil.cfg",
      },
      { name: "core.fsmonitor", tamper: "git config core.fsmonitor 'touch /tmp/ran-fsmonitor; true'" },
      {
        name: "core.hooksPath with a post-index-change hook",
        tamper:
          "mkdir -p /home/wave/hooks && printf '#!/bin/sh\\ntouch /tmp/ran-hook\\n' >/home/wave/hooks/post-index-change && chmod +x /home/wave/hooks/post-index-change && git config core.hooksPath /home/wave/hooks",
      },
      {
        name: "a clean filter in .git/config",
        tamper: "git config filter.leak.clean 'cat /home/wave/outside.txt' && printf '* filter=leak\\n' >.gitattributes",
        extra: { ".gitattributes": "* filter=leak\n" },
      },
      {
        name: "alternates to an object store outside",
        tamper:
          "git init -q --bare /home/wave/other.git && mkdir -p .git/objects/info && echo /home/wave/other.git/objects >>.git/objects/info/alternates",
      },
      {
        name: "commondir pointing at another repository",
        tamper: "git init -q /home/wave && git -C /home/wave add outside.txt && echo /home/wave/.git >.git/commondir",
      },
      {
        name: "global config and ignore files in the home directory",
        tamper: "mkdir -p ~/.config/git && echo '*' >~/.config/git/ignore && printf '[core]\\n\\tworktree = /home/wave\\n' >~/.gitconfig",
      },
      {
        name: "the agent's own index, HEAD and commits",
        tamper: "git add -A && git commit -qm mine && echo 'ref: refs/heads/nowhere' >.git/HEAD && rm -f .git/index",
      },
      {
        name: "the baseline's objects rewritten in place (a.txt's old blob now holds other bytes)",
        tamper:
          "h=$(git rev-parse HEAD:a.txt) && f=.git/objects/$(echo $h | cut -c1-2)/$(echo $h | cut -c3-) && chmod u+w $f && " +
          `python3 -c "import sys, zlib; open(sys.argv[1], 'wb').write(zlib.compress(b'blob 7\\0forged\\n'))" $f`,
      },
      {
        name: "the baseline's refs moved to the agent's own commit",
        tamper:
          "printf 'changed\\n' >a.txt && printf 'new\\n' >new.txt && git add -A && git commit -qm forged && " +
          "git update-ref refs/heads/wave-baseline HEAD && git tag -f wave-baseline HEAD",
      },
      { name: "the object store removed", tamper: "rm -rf .git/objects" },
      {
        name: ".git replaced by a file pointing at another repository",
        tamper: "git init -q /home/wave && git -C /home/wave add outside.txt && rm -rf .git && echo 'gitdir: /home/wave/.git' >.git",
      },
      { name: ".git removed", tamper: "rm -rf .git" },
    ];

    beforeAll(async () => {
      repo = await runner.createWorkspace(
        { storyId: "escape", jobId: `export-${process.pid}`, limits: SMALL },
        tarballWith({ "a.txt": "original\n", "b.txt": "kept\n" }),
      );
      const setup = await repo.exec([
        "sh",
        "-c",
        `printf '%s\\n' "$1" >/home/wave/outside.txt && cp -a .git /home/wave/pristine.git`,
        "setup",
        CANARY,
      ]);
      expect(setup.exitCode).toBe(0);
    });

    afterAll(async () => {
      await repo?.destroy();
    });

    async function restore(): Promise<void> {
      const r = await repo.exec([
        "sh",
        "-c",
        "rm -rf .git .gitattributes new.txt *-link /home/wave/.git /home/wave/.config /home/wave/.gitconfig /home/wave/other.git /tmp/ran-* && cp -a /home/wave/pristine.git .git && printf 'original\\n' >a.txt",
      ]);
      expect(r.stderr).toBe("");
    }

    it.each(cases)("ignores $name", async ({ tamper, extra }) => {
      await restore();
      const r = await repo.exec(["sh", "-c", `set -e; ${tamper}; printf 'changed\\n' >a.txt; printf 'new\\n' >new.txt`]);
      expect(r.stderr).toBe("");
      expect(r.exitCode).toBe(0);
      const change = await repo.exportChange();
      const files = Object.fromEntries(change.files.map((f) => [f.path, `${f.status}:${f.content?.toString() ?? ""}`]));
      const expected: Record<string, string> = { "a.txt": "modified:changed\n", "new.txt": "added:new\n" };
      for (const [path, content] of Object.entries(extra ?? {})) expected[path] = `added:${content}`;
      expect(files).toEqual(expected);
      // Against the true baseline: the old side is what the tarball held, whatever .git now says.
      expect(change.patch).toContain("-original\n+changed\n");
      expect(change.patch).not.toContain("forged");
      expect(change.patch).not.toContain(CANARY);
      expect(change.patch).not.toMatch(/root:x:0:0|outside\.txt|passwd/);
      const ran = await repo.exec(["sh", "-c", "ls /tmp/ran-* 2>/dev/null; true"]);
      expect(ran.stdout).toBe("");
    });

    it("keeps the true baseline where the sandbox user cannot write it", async () => {
      const r = await repo.exec(["sh", "-c", "touch /baseline/git/x; rm -rf /baseline/git/objects; mv /baseline/git /tmp/moved; true"]);
      expect(r.stderr).toMatch(/Permission denied/);
      const still = await repo.exec(["sh", "-c", "ls /baseline/git/objects | wc -l"]);
      expect(Number(still.stdout.trim())).toBeGreaterThan(0);
    });

    it("exports symlinks as links (120000), never the files or directories they point at", async () => {
      await restore();
      const r = await repo.exec([
        "sh",
        "-c",
        "ln -s /etc/passwd passwd-link && ln -s /etc etc-link && ln -s /home/wave home-link && ln -s b.txt inside-link",
      ]);
      expect(r.exitCode).toBe(0);
      const change = await repo.exportChange();
      const links = Object.fromEntries(change.files.map((f) => [f.path, `${f.mode ?? ""}:${f.content?.toString() ?? ""}`]));
      expect(links).toEqual({
        "passwd-link": "120000:/etc/passwd",
        "etc-link": "120000:/etc",
        "home-link": "120000:/home/wave",
        "inside-link": "120000:b.txt",
      });
      expect(change.patch).not.toContain(CANARY);
      expect(change.patch).not.toMatch(/root:x:0:0/);
    });
  });

  describe("the file tools stay inside the workspace", () => {
    beforeAll(async () => {
      const r = await ws.exec([
        "sh",
        "-c",
        "set -e; ln -s /tmp tmplink; ln -s /etc/passwd passwd; mkdir -p deep/er real; ln -s ../../../tmp deep/er/up; " +
          "ln -s /home/wave/target.txt out-file; ln -s real inlink; printf 'inside\\n' >real/f.txt; ln -s real/f.txt flink; ln -s ../real deep/back; ln -s /etc etclink",
      ]);
      expect(r.stderr).toBe("");
    });

    it.each([
      ["a directory link to /tmp", "tmplink/x", "/tmp/x"],
      ["a link deeper in the path", "deep/er/up/y", "/tmp/y"],
      ["a final component linking outside", "out-file", "/home/wave/target.txt"],
    ])("refuses a write through %s, and nothing is written outside", async (_name, path, outside) => {
      const error: unknown = await ws.writeFile(path, "escaped\n").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PathOutsideWorkspace);
      expect((error as Error).message).toContain(`resolves to ${outside}`);
      const r = await ws.exec(["sh", "-c", `test -e ${outside} && echo EXISTS; true`]);
      expect(r.stdout).toBe("");
    });

    it.each([
      ["a link to the image's /etc/passwd", "passwd", "/etc/passwd"],
      ["a directory link to /etc", "etclink/passwd", "/etc/passwd"],
    ])("refuses a read through %s", async (_name, path, outside) => {
      const error: unknown = await ws.readFile(path).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PathOutsideWorkspace);
      expect((error as Error).message).toContain(`resolves to ${outside}`);
    });

    it("follows links that stay inside the workspace, and keeps them links", async () => {
      await ws.writeFile("inlink/g.txt", "through a directory link\n");
      expect((await ws.readFile("real/g.txt")).toString()).toBe("through a directory link\n");
      expect((await ws.readFile("flink")).toString()).toBe("inside\n");
      expect((await ws.readFile("deep/back/f.txt")).toString()).toBe("inside\n");
      await ws.writeFile("flink", "edited through the link\n");
      expect((await ws.readFile("real/f.txt")).toString()).toBe("edited through the link\n");
      const r = await ws.exec(["sh", "-c", "readlink flink; readlink inlink"]);
      expect(r.stdout).toBe("real/f.txt\nreal\n");
    });

    it("leaves no partial file behind when a write fails (the workspace is full)", async () => {
      await expect(ws.writeFile("huge.bin", Buffer.alloc(80 * 1024 * 1024))).rejects.toThrow(
        /Cannot write huge\.bin in the sandbox: .*No space left/,
      );
      const r = await ws.exec(["sh", "-c", "ls -a; df -m /workspace | tail -1"]);
      expect(r.stdout).not.toMatch(/wave-write|huge\.bin/);
    });

    it("replaces a read-only file on write, as an editor would, keeping its mode", async () => {
      await ws.exec(["sh", "-c", "printf 'ro\\n' >ro.txt && chmod 444 ro.txt"]);
      await ws.writeFile("ro.txt", "rewritten\n");
      const r = await ws.exec(["sh", "-c", "stat -c %a ro.txt; cat ro.txt; ls -a | grep -c wave-write; true"]);
      expect(r.stdout).toBe("444\nrewritten\n0\n");
    });
  });

  describe("privilege", () => {
    const setuidImage = `wave-runner-test:setuid-${process.pid}`;

    beforeAll(async () => {
      // A setuid-root program, which the real image does not have: copied in with runc as root, committed.
      const builder = await runner.docker.createContainer({
        Image: runner.policy.image,
        User: "0:0",
        Cmd: ["sh", "-c", "cp /usr/bin/id /usr/local/bin/suid-id && chmod 4755 /usr/local/bin/suid-id"],
        HostConfig: { Runtime: "runc", NetworkMode: "none" },
      });
      await builder.start();
      await builder.wait();
      const [repo, tag] = setuidImage.split(":");
      await builder.commit({ repo, tag });
      await builder.remove({ force: true });
    });

    afterAll(async () => {
      await runner.docker
        .getImage(setuidImage)
        .remove({ force: true })
        .catch(() => undefined);
    });

    it("ships no setuid or setgid program in the image", async () => {
      const r = await ws.exec(["sh", "-c", "find / -xdev \\( -perm -4000 -o -perm -2000 \\) -type f 2>/dev/null"]);
      expect(r.stdout).toBe("");
    });

    it("runs as a non-root user with no capabilities", async () => {
      const r = await ws.exec(["sh", "-c", "id -u; grep CapEff /proc/self/status"]);
      expect(r.stdout).toBe("1000\nCapEff:\t0000000000000000\n");
    });

    it("does not gain root through a setuid-root binary", async () => {
      const suidRunner = testRunner({ policy: { image: setuidImage } });
      const sandbox = await suidRunner.createWorkspace({ storyId: "escape", jobId: `suid-${process.pid}`, limits: SMALL }, emptyTarball());
      try {
        const listing = await sandbox.exec(["stat", "-c", "%a %U", "/usr/local/bin/suid-id"]);
        expect(listing.stdout.trim()).toBe("4755 root");
        const r = await sandbox.exec(["/usr/local/bin/suid-id", "-u"]);
        expect(r.exitCode).toBe(0);
        expect(r.stdout.trim()).toBe("1000");
      } finally {
        await sandbox.destroy();
      }
    });
  });
});
