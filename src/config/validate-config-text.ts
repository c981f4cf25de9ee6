import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, stringify, type Document, type Node as YamlNode } from "yaml";
import type { z } from "zod";
import { waveConfigSchema, type WaveConfig } from "./schema.js";
import { exampleValue, knownKeysAt, schemaAt } from "./schema-walk.js";
import { nearestKey } from "./nearest-key.js";

/** One problem in a configuration file, where the user will see it (1-based line and column). */
export interface ConfigProblem {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** The dotted key ("budget.story_cap_usd"), or "(file)" for a syntax error. */
  key: string;
  /** What is wrong, in one sentence. */
  message: string;
  /** A valid value for the key, as YAML ("story_cap_usd: 4"), when one can be shown. */
  example?: string;
}

export type ConfigValidation = { ok: true; config: WaveConfig; raw: Record<string, unknown> } | { ok: false; problems: ConfigProblem[] };

type Path = (string | number)[];
type Range = Pick<ConfigProblem, "line" | "column" | "endLine" | "endColumn">;

/** Keys a file may carry besides the schema's: Probot's config plugin reads `_extends`. */
const META_KEYS = ["_extends"];

function rangeOf(node: { range?: [number, number, number] | null } | null | undefined, lines: LineCounter, text: string): Range {
  const [start, end] = node?.range ?? [0, Math.min(text.length, 1)];
  const from = lines.linePos(start);
  // A range ending at a newline belongs to the line it ends.
  const to = lines.linePos(Math.max(start, end > start && text[end - 1] === "\n" ? end - 1 : end));
  return { line: from.line, column: from.col, endLine: to.line, endColumn: to.col };
}

/** The YAML node holding `path` (the key node when `keyOf`), or the deepest ancestor that exists. */
function nodeAt(doc: Document, path: Path, keyOf: boolean): YamlNode | null {
  let current: unknown = doc.contents;
  let keyNode: unknown = null;
  for (const segment of path) {
    if (isMap(current)) {
      const pair = current.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) return (keyNode ?? current) as YamlNode;
      keyNode = pair.key;
      current = pair.value ?? pair.key;
    } else if (isSeq(current) && typeof segment === "number") {
      const item = current.items[segment];
      if (!item) return current as YamlNode;
      keyNode = item;
      current = item;
    } else {
      return (keyNode ?? current) as YamlNode | null;
    }
  }
  return ((keyOf ? keyNode : current) ?? current) as YamlNode | null;
}

function dotted(path: Path): string {
  return path.map(String).join(".") || "(top level)";
}

function exampleFor(path: Path): string | undefined {
  const last = path[path.length - 1];
  const value = exampleValue(schemaAt(path));
  if (value === undefined) return undefined;
  if (last === undefined) return undefined;
  const flow = stringify(value, { collectionStyle: "flow", lineWidth: 0 }).trim();
  return typeof last === "number" ? `- ${flow}` : `${last}: ${flow}`;
}

function issueProblems(issue: z.core.$ZodIssue, doc: Document, lines: LineCounter, text: string): ConfigProblem[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
  if (issue.code === "unrecognized_keys") {
    const known = [...knownKeysAt(path), ...(path.length === 0 ? META_KEYS : [])];
    return issue.keys.map((key) => {
      const keyPath = [...path, key];
      const guess = nearestKey(key, known);
      const where = path.length ? `\`${dotted(path)}\`` : "the top level";
      const message = `\`${key}\` is not a setting of ${where}.${guess ? ` Did you mean \`${guess}\`?` : known.length ? ` Known keys: ${known.map((k) => `\`${k}\``).join(", ")}.` : ""}`;
      const example = guess ? exampleFor([...path, guess]) : undefined;
      return { ...rangeOf(nodeAt(doc, keyPath, true), lines, text), key: dotted(keyPath), message, ...(example ? { example } : {}) };
    });
  }
  const example = exampleFor(path);
  return [
    {
      ...rangeOf(nodeAt(doc, path, false), lines, text),
      key: dotted(path),
      message: `\`${dotted(path)}\`: ${issue.message}.`.replace(/\.\.$/, "."),
      ...(example ? { example } : {}),
    },
  ];
}

/**
 * Validates the text of a `.github/wave.yml` as the user wrote it: YAML syntax
 * errors at their position, then every schema problem mapped back to the YAML
 * node that caused it (the key itself for an unknown key, with "did you mean").
 * Pure; the `wave/config` check and the doctor render its answer.
 */
export function validateConfigText(text: string, options: { organisationRepository?: boolean } = {}): ConfigValidation {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) => {
        const from = lines.linePos(error.pos[0]);
        const end = lines.linePos(Math.max(error.pos[0], error.pos[1]));
        return {
          line: from.line,
          column: from.col,
          endLine: end.line,
          endColumn: end.col,
          key: "(file)",
          message: `YAML syntax: ${(error.message.split("\n")[0] ?? error.code).replace(/ at line \d+, column \d+:?$/, "").replace(/\.?$/, ".")}`,
        };
      }),
    };
  }
  const value: unknown = doc.toJS({ maxAliasCount: 100 }) ?? {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return {
      ok: false,
      problems: [
        {
          ...rangeOf(doc.contents, lines, text),
          key: "(top level)",
          message: "The file must be a mapping of settings (`key: value` lines), not a list or a single value.",
          example: "trigger_label: wave",
        },
      ],
    };
  }
  const raw = { ...(value as Record<string, unknown>) };
  const extendsProblem = "_extends" in raw && typeof raw._extends !== "string";
  delete raw._extends;
  const result = waveConfigSchema.safeParse(raw);
  const problems: ConfigProblem[] = [];
  if (extendsProblem)
    problems.push({
      ...rangeOf(nodeAt(doc, ["_extends"], false), lines, text),
      key: "_extends",
      message: "`_extends` names the repository whose file this one extends.",
      example: "_extends: .github",
    });
  if ("org_policy" in raw && !options.organisationRepository) {
    problems.push({
      ...rangeOf(nodeAt(doc, ["org_policy"], true), lines, text),
      key: "org_policy",
      message:
        "`org_policy` may only be set in the organisation's .github repository; here, set the key itself to be stricter (it can only tighten the policy).",
      example: "budget: { story_cap_usd: 2 }",
    });
  }
  if (!result.success) for (const issue of result.error.issues) problems.push(...issueProblems(issue, doc, lines, text));
  if (problems.length > 0 || !result.success)
    return { ok: false, problems: problems.sort((a, b) => a.line - b.line || a.column - b.column) };
  return { ok: true, config: result.data, raw };
}

/**
 * Where each dotted key sits in a file's text (its key node), for warnings on
 * settings that are valid but overridden. Pure; a key not in the file gets line 1.
 */
export function locateKey(text: string, key: string): Pick<ConfigProblem, "line" | "column" | "endLine" | "endColumn"> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  return rangeOf(nodeAt(doc, key.split("."), true), lines, text);
}
