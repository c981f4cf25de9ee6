import { ConfigError } from "../errors.js";

/** The toolchain variants the recipe in runner-image/variants/ builds (`npm run build:image -- --variant NAME`). */
export const IMAGE_VARIANTS = ["go", "rust", "java", "ruby", "polyglot"] as const;

/** The name of the operator's default image (`WAVE_SANDBOX_IMAGE`), which every host allows. */
export const BASE_IMAGE = "base";

const NAME = /^[a-z][a-z0-9-]{0,31}$/;

/** The image tag `build.sh --variant NAME` gives a variant by default. */
export function variantTag(name: string): string {
  return `wave-runner-${name}:latest`;
}

/** Images a repository may choose with `sandbox.image`, by name → Docker image reference. */
export type ImageAllowlist = ReadonlyMap<string, string>;

/**
 * `WAVE_SANDBOX_IMAGES`: the images this host lets repositories choose, comma-separated, each a
 * WAVE variant's name (`go`, its default tag) or `name=image:tag` (any image the operator built
 * from the recipe, under any tag). `base` is always there: the default image. Throws a message
 * naming the bad entry; the host's operator fixes it, no repository can.
 */
export function parseImageAllowlist(value: string | undefined, defaultImage: string): ImageAllowlist {
  const images = new Map<string, string>([[BASE_IMAGE, defaultImage]]);
  for (const entry of (value ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean)) {
    const eq = entry.indexOf("=");
    const name = (eq < 0 ? entry : entry.slice(0, eq)).trim();
    const ref = eq < 0 ? undefined : entry.slice(eq + 1).trim();
    const bad = (why: string) => new Error(`WAVE_SANDBOX_IMAGES: ${JSON.stringify(entry)} ${why}.`);
    if (!NAME.test(name)) throw bad("is not a name (lower-case letters, digits and dashes, starting with a letter)");
    if (name === BASE_IMAGE) throw bad(`redefines ${BASE_IMAGE}, the default image; set WAVE_SANDBOX_IMAGE for that`);
    if (images.has(name)) throw bad("names an image listed before");
    if (ref === undefined && !(IMAGE_VARIANTS as readonly string[]).includes(name)) {
      throw bad(`is not one of WAVE's variants (${IMAGE_VARIANTS.join(", ")}); give its image as ${name}=image:tag`);
    }
    if (ref !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._/:@-]*$/.test(ref)) throw bad("has no valid image reference after =");
    images.set(name, ref ?? variantTag(name));
  }
  return images;
}

/** `sandbox.image` names an image this host does not offer. */
export class ImageNotAllowed extends ConfigError {}

/**
 * The Docker image for a repository's `sandbox.image` (null: the default), or `ImageNotAllowed`
 * saying what the host offers and who can change that.
 */
export function chooseImage(name: string | null, allowlist: ImageAllowlist): string {
  const chosen = allowlist.get(name ?? BASE_IMAGE);
  if (chosen !== undefined) return chosen;
  const offered = [...allowlist.keys()].join(", ");
  const variant = (IMAGE_VARIANTS as readonly string[]).includes(name ?? "");
  const message = variant
    ? `\`sandbox.image: ${name}\` is a WAVE image this host does not offer; it offers ${offered}.`
    : `\`sandbox.image: ${name}\` names no image; this host offers ${offered} (WAVE's variants are ${IMAGE_VARIANTS.join(", ")}).`;
  return fail(
    message,
    variant
      ? `Ask the operator to build it (npm run build:image -- --variant ${name}) and add it to WAVE_SANDBOX_IMAGES, or choose one offered.`
      : "Choose one the host offers, or remove the key for the default.",
  );
}

function fail(message: string, hint: string): never {
  throw new ImageNotAllowed(message, ".github/wave.yml", [{ key: "sandbox.image", message }], { hint: `${hint} Then \`/wave retry\`.` });
}
