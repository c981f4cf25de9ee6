import { configJsonSchema } from "./json-schema.js";

/** The parts of a JSON Schema node the validator reads. */
export interface SchemaNode {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  minLength?: number;
  $ref?: string;
}

let root: (SchemaNode & { $defs?: Record<string, SchemaNode> }) | undefined;

function schemaRoot(): SchemaNode & { $defs?: Record<string, SchemaNode> } {
  root ??= configJsonSchema() as SchemaNode;
  return root;
}

function resolve(node: SchemaNode | undefined): SchemaNode | undefined {
  if (!node?.$ref) return node;
  const name = node.$ref.replace(/^#\/\$defs\//, "");
  return schemaRoot().$defs?.[name];
}

/**
 * The schema of the value at `path` in `.github/wave.yml` (record entries and list
 * items included), or undefined when no such key exists. Read from the same JSON
 * Schema editors get, so "did you mean" and the examples always match the zod schema.
 */
export function schemaAt(path: readonly (string | number)[]): SchemaNode | undefined {
  let node: SchemaNode | undefined = schemaRoot();
  for (const segment of path) {
    node = resolve(node);
    if (!node) return undefined;
    const objectLike = node.anyOf?.find((n) => resolve(n)?.properties || resolve(n)?.additionalProperties) ?? node;
    const o = resolve(objectLike) ?? node;
    if (typeof segment === "number" || /^\d+$/.test(segment)) {
      const list = node.anyOf?.map(resolve).find((n) => n?.items) ?? node;
      if (list.items) {
        node = list.items;
        continue;
      }
    }
    const child: SchemaNode | undefined =
      o.properties?.[String(segment)] ?? (typeof o.additionalProperties === "object" ? o.additionalProperties : undefined);
    node = child;
  }
  return resolve(node);
}

/** The keys a mapping at `path` may have (empty for free-form records). */
export function knownKeysAt(path: readonly (string | number)[]): string[] {
  const node = schemaAt(path);
  const withProps = node?.properties ? node : node?.anyOf?.map(resolve).find((n) => n?.properties);
  // A removed key stays in the schema only to refuse it with a message; it is never suggested.
  return Object.entries(withProps?.properties ?? {})
    .filter(([, value]) => !resolve(value)?.description?.startsWith("Removed:"))
    .map(([key]) => key);
}

/** A value that the schema at `path` accepts, to show next to a problem. */
export function exampleValue(node: SchemaNode | undefined, depth = 0): unknown {
  const n = resolve(node);
  if (!n || depth > 4) return undefined;
  const isEmpty = (v: unknown) => v === null || (typeof v === "object" && Object.keys(v as object).length === 0);
  if (n.default !== undefined && !isEmpty(n.default)) return n.default;
  if (n.const !== undefined) return n.const;
  if (n.enum?.length) return n.enum[0];
  const variants = n.anyOf ?? n.oneOf;
  if (variants) {
    for (const v of variants) {
      const example = exampleValue(v, depth + 1);
      if (example !== undefined && example !== null) return example;
    }
  }
  const type = Array.isArray(n.type) ? n.type.find((t) => t !== "null") : n.type;
  switch (type) {
    case "string":
      return "text";
    case "integer":
    case "number":
      return n.minimum ?? (n.exclusiveMinimum !== undefined ? n.exclusiveMinimum + 1 : 1);
    case "boolean":
      return true;
    case "array": {
      const item = exampleValue(n.items, depth + 1);
      return item === undefined ? [] : [item];
    }
    case "object": {
      if (n.properties) {
        const [first] = Object.entries(n.properties);
        return first ? { [first[0]]: exampleValue(first[1], depth + 1) } : {};
      }
      if (typeof n.additionalProperties === "object") return { name: exampleValue(n.additionalProperties, depth + 1) };
      return {};
    }
    default:
      return n.default;
  }
}
