import { createHash } from "node:crypto";
import type { SetupPlan } from "./detect-setup.js";

/**
 * The dependency cache key: the content of every dependency file, the exact image (its id, not
 * its tag) and the setup command with its registries. Two repositories share an entry only when
 * all of these are equal, so differing lockfiles never share one.
 */
export function setupKey(plan: SetupPlan, files: ReadonlyMap<string, Buffer>, imageId: string): string {
  const hash = createHash("sha256");
  const part = (s: string | Buffer) => {
    hash.update(String(Buffer.byteLength(s)));
    hash.update(":");
    hash.update(s);
  };
  part("wave-setup-v1");
  part(imageId);
  part(plan.command);
  part(JSON.stringify(Object.entries(plan.registries).sort()));
  part(JSON.stringify(plan.installed));
  for (const name of plan.inputs) {
    part(name);
    part(files.get(name) ?? "");
  }
  return hash.digest("hex");
}
