/**
 * `npm run bench <name>` runs one benchmark (`npm run bench` lists them);
 * each is also `npm run bench:<name>`.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const names = ["webhooks", "sandbox", "agents", "safety", "commands", "tarball"];
const name = process.argv[2];
if (!name || !names.includes(name) || !existsSync(`bench/${name}.ts`)) {
  console.log(`usage: npm run bench <${names.join("|")}> [args…]`);
  process.exit(name ? 2 : 0);
}
const r = spawnSync(process.execPath, ["--import", "tsx", `bench/${name}.ts`, ...process.argv.slice(3)], { stdio: "inherit" });
process.exit(r.status ?? 1);
