/**
 * `npm run build:action`: bundles action/src/main.ts (with the project's own Docker backend and
 * @actions/core) into action/dist/index.js, which action.yml runs on Node 20. `--check` builds in
 * memory and fails when the committed bundle differs (CI and test/runner-actions/action-bundle.test.ts).
 */
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const ACTION_BUNDLE = resolve(root, "action/dist/index.js");

/** The bundle's text, built fresh. */
export async function bundleAction(): Promise<string> {
  const result = await build({
    entryPoints: [resolve(root, "action/src/main.ts")],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    write: false,
    legalComments: "none",
    // ssh2's optional native add-ons are loaded in try/catch; the Docker socket never needs them.
    external: ["cpu-features", "*.node"],
    // CommonJS dependencies (dockerode, ssh2, @actions/core) use require() and __dirname; an ES module bundle defines them.
    banner: {
      js: [
        'import { createRequire as __waveRequire } from "node:module";',
        'import { dirname as __waveDirname } from "node:path";',
        'import { fileURLToPath as __waveFileUrl } from "node:url";',
        "const require = __waveRequire(import.meta.url);",
        "const __filename = __waveFileUrl(import.meta.url);",
        "const __dirname = __waveDirname(__filename);",
      ].join("\n"),
    },
    logLevel: "silent",
  });
  const out = result.outputFiles[0];
  if (!out) throw new Error("esbuild produced no output");
  return out.text;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = await bundleAction();
  if (process.argv.includes("--check")) {
    const committed = readFileSync(ACTION_BUNDLE, "utf8");
    if (committed !== text) {
      console.error("action/dist/index.js is stale: run npm run build:action and commit it.");
      process.exit(1);
    }
    console.log("action/dist/index.js is current.");
  } else {
    mkdirSync(dirname(ACTION_BUNDLE), { recursive: true });
    writeFileSync(ACTION_BUNDLE, text);
    console.log(`wrote ${ACTION_BUNDLE} (${Math.round(text.length / 1024)} KiB)`);
  }
}
