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
  ];
  return lines.join("\n");
}
