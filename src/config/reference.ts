import { configJsonSchema } from "./json-schema.js";

interface SchemaNode {
  type?: string | string[];
  description?: string;
  default?: unknown;
  properties?: Record<string, SchemaNode>;
  enum?: unknown[];
  anyOf?: SchemaNode[];
  items?: SchemaNode;
  minimum?: number;
  maximum?: number;
}

function typeOf(node: SchemaNode): string {
  if (node.enum) return node.enum.map((v) => `\`${String(v)}\``).join(" \\| ");
  if (node.anyOf) return node.anyOf.map(typeOf).join(" or ");
  const t = Array.isArray(node.type) ? node.type.join(" or ") : (node.type ?? "any");
  if (t === "array" && node.items) return `list of ${typeOf(node.items)}`;
  if ((t === "number" || t === "integer") && (node.minimum !== undefined || node.maximum !== undefined))
    return `${t} (${node.minimum ?? "…"}–${node.maximum ?? "…"})`;
  return t;
}

function rows(node: SchemaNode, prefix: string, out: { key: string; type: string; dflt: string; description: string }[]): void {
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    const isSection = child.type === "object" && child.properties && Object.keys(child.properties).length > 0;
    if (isSection) {
      rows(child, path, out);
      continue;
    }
    out.push({
      key: path,
      type: typeOf(child),
      dflt: child.default === undefined ? "—" : `\`${JSON.stringify(child.default)}\``,
      description: (child.description ?? "").replace(/\|/g, "\\|").replace(/\n/g, " "),
    });
  }
}

/** Every configuration key, flattened, from the JSON Schema. */
export function configKeys(): { key: string; type: string; dflt: string; description: string }[] {
  const out: { key: string; type: string; dflt: string; description: string }[] = [];
  rows(configJsonSchema() as SchemaNode, "", out);
  return out;
}

/** The table of every key, for docs/configuration.md and the README. */
export function renderConfigTable(): string {
  return [
    "| key | type | default | what it does |",
    "|---|---|---|---|",
    ...configKeys().map((r) => `| \`${r.key}\` | ${r.type} | ${r.dflt} | ${r.description} |`),
  ].join("\n");
}

/**
 * What only the organisation decides, key by key: the merge rule of
 * src/config/org-authority.ts and src/config/org-policy.ts, in words.
 */
const ORGANISATION_AUTHORITY = [
  "## What only the organisation decides",
  "",
  "Some settings govern the whole organisation. They are read only from the organisation's `.github` repository's",
  "`.github/wave.yml` (or, where a key has none, from WAVE's defaults), whether or not a repository's file extends it",
  "with `_extends: .github`; `_extends: other-owner/.github` is an ordinary file, not the organisation's. A repository's",
  "own file may tighten each of them, never loosen it. A looser value is ignored: the organisation's holds, the",
  "`wave/config` check on the push that wrote it warns at its line, and a command it would have allowed is refused with",
  "a reply naming the ignored key.",
  "",
  "| key | who decides | a repository's file may |",
  "|---|---|---|",
  "| `org_policy.*` | the organisation only | not set it at all (an error) |",
  "| `budget.story_cap_usd` under `org_policy.max_story_usd` | the lower of the two | lower the cap, never raise it above the policy |",
  "| `labeler_permission` under `org_policy.min_labeler_permission` | the higher of the two | raise the role, never lower it |",
  "| `safety.forbidden_paths` under `org_policy.forbidden_paths` | both lists | add globs, never drop the organisation's |",
  "| models under `org_policy.allowed_models` | the list | pick among them; another model is an error |",
  "| `commands.permissions.stop-all.*`, `commands.permissions.resume-all.*` | always the organisation (WAVE's default: owners) | tighten, key by key as below |",
  "| `commands.permissions.<command>.*` for every command the organisation's file names | the organisation's rule is a floor, not a default | tighten, key by key as below |",
  "",
  "Tightening a governed command's rule, key by key:",
  "",
  "| rule key | effective value |",
  "|---|---|",
  "| `role` | the higher of the organisation's and the repository's |",
  "| `users`, `teams` | only names the organisation lists too: a repository may drop names, never add them |",
  "| `allow_starter`, `allow_hold_placer` | on only when both files leave it on |",
  "| `deny_starter`, `code_owners` (approve) | on when either file turns it on |",
  "",
  "Commands the organisation's file does not name keep the usual merge: the repository's value wins.",
  "`/wave status` lists the governed values in force and where each came from.",
  "",
];

/** docs/configuration.md: every key of .github/wave.yml with its type, default and meaning. */
export function renderConfigReference(): string {
  const lines = [
    "# Configuration reference: `.github/wave.yml`",
    "",
    "Generated from the zod schema in `src/config/` by `npm run generate`; a test fails when it is out of date.",
    "Every key is optional. A repository can extend its organisation's defaults with `_extends: .github`",
    "(the organisation's `.github` repository holds `.github/wave.yml`), and without a file of its own the",
    "organisation's is used. Editors get completion from `schema/wave.schema.json`",
    "(add `# yaml-language-server: $schema=<url of that file>` at the top of the file).",
    "",
    renderConfigTable(),
    "",
    ...ORGANISATION_AUTHORITY,
  ];
  return lines.join("\n");
}
