import { createHash } from "node:crypto";

/** The SHA git gives a blob with these bytes, as `git hash-object` computes it. */
export function gitBlobSha(content: Buffer): string {
  return createHash("sha1").update(`blob ${content.length}\0`).update(content).digest("hex");
}
