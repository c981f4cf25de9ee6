import { WaveError } from "../errors.js";

/** Every branch WAVE writes lives under this prefix; nothing else is ever updated. */
export const WAVE_BRANCH_PREFIX = "wave/";
const WAVE_REF_PREFIX = `refs/heads/${WAVE_BRANCH_PREFIX}`;

/** A branch name git and GitHub accept: no "..", no control characters, no trailing "/" or ".lock". */
const SAFE_BRANCH = /^wave\/[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/;

/**
 * The full ref for a WAVE branch, asserting it is one. Every ref write goes through
 * this, so a bug elsewhere cannot move `main` or a person's branch.
 */
export function waveRef(branch: string): string {
  const name = branch.startsWith("refs/heads/") ? branch.slice("refs/heads/".length) : branch;
  const ref = `refs/heads/${name}`;
  if (!ref.startsWith(WAVE_REF_PREFIX) || !SAFE_BRANCH.test(name) || name.includes("..") || name.endsWith(".lock")) {
    throw new WaveError(`Refusing to write ${ref}: WAVE only creates or updates branches under ${WAVE_REF_PREFIX}.`, {
      hint: "This is a bug in WAVE; please report it with the story id.",
    });
  }
  return ref;
}
