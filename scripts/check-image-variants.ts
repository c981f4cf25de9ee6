/**
 * npm run check:variants [-- NAME…] — proves each built toolchain image really builds and tests
 * code in the gVisor sandbox, with no network: per variant, a tiny project is written into a real
 * workspace (the Runner, as a gate opens it) and compiled and tested with that toolchain.
 * Images come from WAVE_SANDBOX_IMAGES (else each variant's default tag); variants not built are
 * listed as such. Prints one line per command; exits non-zero when a built image fails one.
 * Not part of `npm test`: CI builds only the base image.
 */
import { createDockerClient } from "../src/sandbox/docker-client.js";
import { createDockerRunner } from "../src/sandbox/docker-runner.js";
import { BASE_IMAGE, IMAGE_VARIANTS, parseImageAllowlist, variantTag } from "../src/sandbox/image-allowlist.js";
import { sandboxPolicyFromEnv } from "../src/sandbox/policy.js";
import { Readable } from "node:stream";

interface Probe {
  /** What it shows, in a few words. */
  what: string;
  argv: string[];
  /** Output that must appear (stdout and stderr together). */
  expect: RegExp;
}

type Project = { files: Record<string, string>; probes: Probe[] };

const sh = (script: string) => ["sh", "-c", script];

const python: Project = {
  files: {
    "t/test_add.py": "import unittest\n\nclass AddTest(unittest.TestCase):\n    def test_add(self):\n        self.assertEqual(1 + 2, 3)\n",
  },
  probes: [
    {
      what: "python venv + pip",
      argv: sh("python3 -m venv /tmp/venv && /tmp/venv/bin/pip --version"),
      expect: /pip \d+\S* from \S+ \(python 3\.\d+\)/,
    },
    { what: "unittest in the venv", argv: sh("cd t && /tmp/venv/bin/python -m unittest test_add 2>&1"), expect: /Ran 1 test/ },
  ],
};

const projects: Record<string, Project> = {
  go: {
    files: {
      "go.mod": "module example.com/calc\n\ngo 1.21\n",
      "calc.go": "package calc\n\nfunc Add(a, b int) int { return a + b }\n",
      "calc_test.go":
        'package calc\n\nimport "testing"\n\nfunc TestAdd(t *testing.T) {\n\tif Add(2, 3) != 5 {\n\t\tt.Fatal("add")\n\t}\n}\n',
    },
    probes: [
      { what: "go version", argv: ["go", "version"], expect: /go version go1\.\d+/ },
      {
        what: "go test (modules, GOPROXY=off)",
        argv: ["env", "GOPROXY=off", "GOFLAGS=-mod=mod", "go", "test", "./..."],
        expect: /^ok\s+example\.com\/calc/m,
      },
    ],
  },
  rust: {
    files: {
      "Cargo.toml": '[package]\nname = "calc"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n',
      "src/lib.rs":
        "pub fn add(a: i32, b: i32) -> i32 { a + b }\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn adds() { assert_eq!(super::add(2, 3), 5); }\n}\n",
    },
    probes: [
      { what: "rustc + cargo versions", argv: sh("rustc --version && cargo --version"), expect: /rustc 1\.\d+.*cargo 1\.\d+/s },
      { what: "cargo test --offline", argv: ["cargo", "test", "--offline"], expect: /test result: ok\. 1 passed/ },
    ],
  },
  java: {
    files: {
      "gradle-project/settings.gradle": "rootProject.name = 'calc'\n",
      "gradle-project/build.gradle": "apply plugin: 'java'\n",
      "gradle-project/src/main/java/Calc.java": "public class Calc { static int add(int a, int b) { return a + b; } }\n",
      "src/Calc.java":
        'public class Calc {\n  static int add(int a, int b) { return a + b; }\n  public static void main(String[] args) {\n    if (add(2, 3) != 5) throw new AssertionError("add");\n    System.out.println("calc ok");\n  }\n}\n',
    },
    probes: [
      {
        what: "javac + java",
        argv: sh("javac -d /tmp/classes src/Calc.java && java -cp /tmp/classes Calc && java -version 2>&1"),
        expect: /calc ok.*version "\d+/s,
      },
      { what: "mvn -v", argv: ["mvn", "-v", "-B"], expect: /Apache Maven 3\.\d+/ },
      { what: "gradle --version", argv: sh("gradle --version --offline 2>&1"), expect: /Gradle \d+\.\d+/ },
      // Debian's Gradle is 4.4.1 (2017); whether it can still build on Debian's JDK is the question.
      {
        what: "gradle build (java plugin, offline)",
        argv: sh("cd gradle-project && gradle --offline --no-daemon -q build 2>&1 && ls build/libs"),
        expect: /calc\.jar/,
      },
    ],
  },
  ruby: {
    files: {
      Gemfile: 'source "https://rubygems.org"\n',
      "ext/extconf.rb": 'require "mkmf"\ncreate_makefile("calc")\n',
      "ext/calc.c":
        '#include <ruby.h>\nstatic VALUE add(VALUE self, VALUE a, VALUE b) { return INT2NUM(NUM2INT(a) + NUM2INT(b)); }\nvoid Init_calc(void) { VALUE m = rb_define_module("Calc"); rb_define_module_function(m, "add", add, 2); }\n',
    },
    probes: [
      { what: "ruby + bundler versions", argv: sh("ruby -v && bundle -v"), expect: /ruby 3\.\d+.*Bundler version 2\.\d+/s },
      {
        what: "bundle install --local + exec",
        argv: sh("bundle config set --local path /tmp/bundle && bundle install --local && bundle exec ruby -e 'puts :bundled'"),
        expect: /bundled/,
      },
      {
        what: "native extension (ruby-dev + gcc)",
        argv: sh("cd ext && ruby extconf.rb && make && ruby -I. -rcalc -e 'puts Calc.add(2, 3)'"),
        expect: /^5$/m,
      },
    ],
  },
};
const merge = (...ps: Project[]): Project => ({ files: Object.assign({}, ...ps.map((p) => p.files)), probes: ps.flatMap((p) => p.probes) });
// Each project in its own folder so the polyglot image runs them all side by side.
const within = (dir: string, p: Project): Project => ({
  files: Object.fromEntries(Object.entries(p.files).map(([k, v]) => [`${dir}/${k}`, v])),
  probes: p.probes.map((probe) => ({ ...probe, argv: ["sh", "-c", `cd ${dir} && exec "$@"`, "sh", ...probe.argv] })),
});
const plan: Record<string, Project> = {
  [BASE_IMAGE]: python,
  ...Object.fromEntries(Object.entries(projects).map(([name, p]) => [name, p])),
  polyglot: merge(...Object.entries(projects).map(([name, p]) => within(name, p)), python),
};

const env = process.env;
const policy = sandboxPolicyFromEnv(env);
const offered = parseImageAllowlist(env.WAVE_SANDBOX_IMAGES, policy.image);
const docker = createDockerClient(env);
const runner = createDockerRunner({ instance: `check-variants-${process.pid}`, policy: { maxConcurrent: 1 }, docker });
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : [BASE_IMAGE, ...IMAGE_VARIANTS];
let failed = 0;

for (const name of wanted) {
  const project = plan[name];
  if (!project) throw new Error(`no checks for ${name}; known: ${Object.keys(plan).join(", ")}`);
  const ref = offered.get(name) ?? (name === BASE_IMAGE ? policy.image : variantTag(name));
  const info = await docker
    .getImage(ref)
    .inspect()
    .catch(() => null);
  if (!info) {
    console.log(`${name.padEnd(9)} ${ref}: not built`);
    continue;
  }
  console.log(`${name.padEnd(9)} ${ref}: ${(info.Size / 1e6).toFixed(0)} MB, version ${info.Config.Labels?.["wave.image.version"] ?? "?"}`);
  const ws = await runner.createWorkspace(
    { storyId: "check-variants", jobId: `check-${name}-${process.pid}`, image: ref },
    Readable.from([Buffer.alloc(1024)]),
  );
  try {
    for (const [path, content] of Object.entries(project.files)) await ws.writeFile(path, content);
    const kernel = await ws.exec(["sh", "-c", "dmesg | head -1"]);
    if (!/gVisor/.test(kernel.stdout)) throw new Error(`${ref} is not running under gVisor: ${kernel.stdout}`);
    for (const probe of project.probes) {
      const r = await ws.exec(probe.argv, { timeoutMs: 600_000 });
      const out = `${r.stdout}\n${r.stderr}`;
      const ok = r.exitCode === 0 && probe.expect.test(out);
      if (!ok) failed += 1;
      const shown = (out.match(probe.expect)?.[0] ?? out.trim().split("\n").slice(-3).join(" | ")).replace(/\s+/g, " ").slice(0, 110);
      console.log(`  ${ok ? "ok  " : "FAIL"} ${probe.what.padEnd(34)} exit ${r.exitCode}, ${(r.durationMs / 1000).toFixed(1)} s: ${shown}`);
    }
  } finally {
    await ws.destroy();
  }
}
console.log(failed ? `check:variants: ${failed} probe(s) failed` : "check:variants: every built image passed (gVisor, no network)");
process.exitCode = failed ? 1 : 0;
