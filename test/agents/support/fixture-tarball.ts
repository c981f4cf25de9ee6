import { execFileSync } from "node:child_process";
import { basename, dirname } from "node:path";
import { Readable } from "node:stream";

/** A fixture repository as GitHub serves it: a tar.gz with one top-level folder. */
export function fixtureTarball(dir: string): Readable {
  return Readable.from([execFileSync("tar", ["-C", dirname(dir), "-cz", basename(dir)])]);
}
