import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { buildCommand, renderImageTable, type ImageRow } from "../../src/cli/image-table.js";
import { validateConfig } from "../../src/config/load.js";
import { ConfigError } from "../../src/errors.js";
import { storyImage } from "../../src/gates/gate-context.js";
import { chooseImage, IMAGE_VARIANTS, ImageNotAllowed, parseImageAllowlist } from "../../src/sandbox/image-allowlist.js";

const recipe = fileURLToPath(new URL("../../runner-image/", import.meta.url));
const packagesOf = (file: string) =>
  readFileSync(`${recipe}${file}`, "utf8")
    .split("\n")
    .map((l) => l.replace(/#.*/, "").trim())
    .filter(Boolean);
const printVersion = (...args: string[]) =>
  execFileSync("bash", [`${recipe}build.sh`, "--print-version", ...args], { encoding: "utf8" }).trim();

describe("sandbox image allowlist (WAVE_SANDBOX_IMAGES)", () => {
  it("always offers the default image as base, a bare variant name under its default tag, and name=ref as given", () => {
    expect([...parseImageAllowlist(undefined, "wave-runner:latest")]).toEqual([["base", "wave-runner:latest"]]);
    expect([...parseImageAllowlist(" go, rust=registry.local/wave-rust:1.85 ,,corp-jdk=corp/jdk@sha256:abc", "img:1")]).toEqual([
      ["base", "img:1"],
      ["go", "wave-runner-go:latest"],
      ["rust", "registry.local/wave-rust:1.85"],
      ["corp-jdk", "corp/jdk@sha256:abc"],
    ]);
  });

  it.each([
    ["Go", /is not a name/],
    ["base=other:1", /redefines base/],
    ["go,go=x:1", /listed before/],
    ["corp", /not one of WAVE's variants .*corp=image:tag/],
    ["go=", /no valid image reference/],
    ["go=a b", /no valid image reference/],
  ])("refuses %j with a message naming the entry", (value, message) => {
    expect(() => parseImageAllowlist(value, "wave-runner:latest")).toThrow(message);
    expect(() => parseImageAllowlist(value, "wave-runner:latest")).toThrow(/^WAVE_SANDBOX_IMAGES: "/);
  });

  it("maps a repository's choice to the host's image, and refuses a name the host does not offer as a config error on sandbox.image", () => {
    const offered = parseImageAllowlist("go,java=wave-runner-java:h10b", "wave-runner:latest");
    expect(chooseImage(null, offered)).toBe("wave-runner:latest");
    expect(chooseImage("base", offered)).toBe("wave-runner:latest");
    expect(chooseImage("java", offered)).toBe("wave-runner-java:h10b");
    for (const [name, message, hint] of [
      [
        "rust",
        "`sandbox.image: rust` is a WAVE image this host does not offer; it offers base, go, java.",
        /npm run build:image -- --variant rust.*WAVE_SANDBOX_IMAGES/,
      ],
      [
        "cobol",
        "`sandbox.image: cobol` names no image; this host offers base, go, java (WAVE's variants are go, rust, java, ruby, polyglot).",
        /remove the key/,
      ],
    ] as const) {
      const error = (() => {
        try {
          return chooseImage(name, offered);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ImageNotAllowed);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toBe(message);
      expect((error as ConfigError).issues).toEqual([{ key: "sandbox.image", message }]);
      expect((error as ConfigError).hint).toMatch(hint);
    }
  });

  it("picks the story's image from its config and the gate's environment; the default needs no allowlist", () => {
    const story = (image: string | null) => ({
      config: validateConfig([{ location: "o/r:.github/wave.yml", config: image === null ? {} : { sandbox: { image } } }]),
    });
    expect(storyImage({ env: {} }, story(null))).toBeUndefined();
    expect(storyImage({ env: {} }, story("base"))).toBeUndefined();
    expect(storyImage({ env: { WAVE_SANDBOX_IMAGES: "ruby" } }, story("ruby"))).toBe("wave-runner-ruby:latest");
    expect(() => storyImage({ env: {} }, story("ruby"))).toThrow(ImageNotAllowed);
  });

  it("accepts only image names in sandbox.image, never a Docker reference a repository could point anywhere", () => {
    for (const image of ["go", "polyglot", "corp-jdk"])
      expect(validateConfig([{ location: "o/r:.github/wave.yml", config: { sandbox: { image } } }]).sandbox.image).toBe(image);
    for (const image of ["evil.example/img:latest", "Go", "go:1.22", "../x", ""]) {
      expect(() => validateConfig([{ location: "o/r:.github/wave.yml", config: { sandbox: { image } } }])).toThrow(/`sandbox\.image`/);
    }
  });
});

describe("image recipe variants (runner-image/variants/)", () => {
  it("has one package list per variant the code knows, and polyglot is exactly the union of the others", () => {
    expect(readdirSync(`${recipe}variants`).sort()).toEqual(IMAGE_VARIANTS.map((v) => `${v}.txt`).sort());
    const others = IMAGE_VARIANTS.filter((v) => v !== "polyglot").flatMap((v) => packagesOf(`variants/${v}.txt`));
    expect(new Set(packagesOf("variants/polyglot.txt"))).toEqual(new Set(others));
  });

  it("keeps the base image's version the hash of its recipe files, and gives each variant its own", () => {
    const files = ["build.sh", "packages.txt", "customize.sh", "statx-compat.c", "wave-exec.c"].map((f) => readFileSync(`${recipe}${f}`));
    const base = createHash("sha256").update(Buffer.concat(files)).digest("hex").slice(0, 16);
    expect(printVersion()).toBe(base);
    const versions = IMAGE_VARIANTS.map((v) => printVersion("--variant", v));
    for (const [i, v] of IMAGE_VARIANTS.entries()) {
      const own = createHash("sha256")
        .update(Buffer.concat([...files, readFileSync(`${recipe}variants/${v}.txt`)]))
        .digest("hex")
        .slice(0, 16);
      expect(versions[i]).toBe(own);
    }
    expect(new Set([base, ...versions]).size).toBe(IMAGE_VARIANTS.length + 1);
    expect(printVersion(`--variant=go`)).toBe(versions[0]);
  });

  it("refuses an unknown variant, listing the known ones", () => {
    const r = spawnSync("bash", [`${recipe}build.sh`, "--variant", "cobol", "--print-version"], { encoding: "utf8" });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toBe(`build-image: unknown variant cobol; the variants are: ${[...IMAGE_VARIANTS].sort().join(" ")} \n`);
  });
});

describe("the doctor's images table", () => {
  const row = (over: Partial<ImageRow>): ImageRow => ({
    name: "go",
    ref: "wave-runner-go:latest",
    allowed: false,
    built: null,
    recipeVersion: "v2",
    build: buildCommand("go", "wave-runner-go:latest", "wave-runner-go:latest"),
    ...over,
  });
  it("says for each image whether it is offered, its size and version, or the command that builds it", () => {
    const table = renderImageTable([
      row({
        name: "base",
        ref: "wave-runner:latest",
        allowed: true,
        built: { bytes: 677_000_000, version: "v1" },
        recipeVersion: "v1",
        build: buildCommand(null, "wave-runner:latest", "wave-runner:latest"),
      }),
      row({}),
      row({
        name: "rust",
        ref: "wave-runner-rust:h10b",
        allowed: true,
        built: { bytes: 1_510_000_000, version: "v1" },
        build: buildCommand("rust", "wave-runner-rust:h10b", "wave-runner-rust:latest"),
      }),
    ]);
    expect(table.split("\n")).toEqual([
      "sandbox images (sandbox.image → Docker image; offered = in WAVE_SANDBOX_IMAGES; sizes as Docker reports them):",
      "  base  wave-runner:latest     offered      677 MB, version v1",
      "  go    wave-runner-go:latest  not offered  not built; build: npm run build:image -- --variant go",
      "  rust  wave-runner-rust:h10b  offered      1.51 GB, version v1, stale (the recipe is v2); rebuild: WAVE_SANDBOX_IMAGE=wave-runner-rust:h10b npm run build:image -- --variant rust",
    ]);
  });
});
