/** One sandbox image as `npm run doctor` lists it. */
export interface ImageRow {
  /** The `sandbox.image` name (`base` for the default). */
  name: string;
  /** The Docker image reference it maps to on this host. */
  ref: string;
  /** Listed in WAVE_SANDBOX_IMAGES (base always is). */
  allowed: boolean;
  /** Null when the image is not built. */
  built: { bytes: number; version: string | undefined } | null;
  /** The version the recipe in runner-image/ would build; undefined for images not built from it. */
  recipeVersion: string | undefined;
  /** The command that builds (or rebuilds) it. */
  build: string;
}

/** The command that builds variant `name` (or the base, for null) under `ref`. */
export function buildCommand(variant: string | null, ref: string, defaultRef: string): string {
  const tag = ref === defaultRef ? "" : `WAVE_SANDBOX_IMAGE=${ref} `;
  return `${tag}npm run build:image${variant ? ` -- --variant ${variant}` : ""}`;
}

function size(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${Math.round(bytes / 1e6)} MB`;
}

function state(row: ImageRow): string {
  if (!row.built) return `not built; build: ${row.build}`;
  const at = `${size(row.built.bytes)}, version ${row.built.version ?? "(none)"}`;
  if (row.recipeVersion !== undefined && row.built.version !== row.recipeVersion)
    return `${at}, stale (the recipe is ${row.recipeVersion}); rebuild: ${row.build}`;
  return at;
}

/** The images table: what each `sandbox.image` name maps to, whether repositories may pick it, built or not, its size. */
export function renderImageTable(rows: ImageRow[]): string {
  const width = (pick: (r: ImageRow) => string) => Math.max(...rows.map((r) => pick(r).length));
  const nameW = width((r) => r.name);
  const refW = width((r) => r.ref);
  const lines = rows.map(
    (r) => `  ${r.name.padEnd(nameW)}  ${r.ref.padEnd(refW)}  ${(r.allowed ? "offered" : "not offered").padEnd(11)}  ${state(r)}`,
  );
  return ["sandbox images (sandbox.image → Docker image; offered = in WAVE_SANDBOX_IMAGES; sizes as Docker reports them):", ...lines].join(
    "\n",
  );
}
