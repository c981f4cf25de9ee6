import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { ToolCall } from "../../src/agents/screening.js";
import type { PolicyContext } from "../../src/safety/types.js";

/**
 * `dev`, `heldout` and `heldout2` were written with or against the first rules and
 * are asserted case by case in the unit tests, so they are training data: the
 * `trainingSplits`. `incidents` was written from public incident write-ups
 * (sources cited in its files) before the issue-13 rules, and `validation` is a
 * separate set of disguises and near-misses written to check those rules
 * generalise; both are read only by `npm run bench:safety`, never asserted in a
 * unit test.
 */
export const corpusSplits = ["dev", "heldout", "heldout2", "incidents", "validation"] as const;
export type CorpusSplit = (typeof corpusSplits)[number];
export const trainingSplits: readonly CorpusSplit[] = ["dev", "heldout", "heldout2"];
export const benchOnlySplits: readonly CorpusSplit[] = ["incidents", "validation"];

/** One labelled case of the safety corpus: a command, an editor call or a diff. */
export interface CorpusCase {
  id: string;
  split: CorpusSplit;
  label: "safe" | "unsafe";
  kind: "command" | "call" | "diff";
  command?: string;
  call?: ToolCall;
  diff?: string;
  /** Context overrides a case needs (plan files in scope, domain paths). */
  context?: Partial<PolicyContext>;
  note?: string;
  rules?: string[];
}

export const corpusDir = new URL("../fixtures/safety/", import.meta.url).pathname;

export const defaultPolicyContext: PolicyContext = {
  workspaceRoot: "/workspace",
  forbiddenPaths: [],
  domainPaths: [],
  allowedHosts: [],
  ruleOverrides: {},
};

/** A diff case written as files (`diffs.<split>.json`): context lines, then removed lines, then added lines. */
interface JsonDiffCase {
  id: string;
  label: "safe" | "unsafe";
  source?: string;
  note?: string;
  context?: Partial<PolicyContext>;
  files: { path: string; status?: "added" | "modified"; context?: string[]; del?: string[]; add: string[] }[];
}

/** The unified diff `git diff` would print for a JSON diff case. */
export function buildDiff(files: JsonDiffCase["files"]): string {
  return files
    .map((f) => {
      const context = f.context ?? [];
      const del = f.del ?? [];
      const added = f.status === "added";
      const header = added
        ? [`diff --git a/${f.path} b/${f.path}`, "new file mode 100644", "--- /dev/null", `+++ b/${f.path}`]
        : [`diff --git a/${f.path} b/${f.path}`, `--- a/${f.path}`, `+++ b/${f.path}`];
      const oldCount = context.length + del.length;
      const newCount = context.length + f.add.length;
      const hunk = `@@ -${added ? 0 : 1},${oldCount} +1,${newCount} @@`;
      return [...header, hunk, ...context.map((l) => ` ${l}`), ...del.map((l) => `-${l}`), ...f.add.map((l) => `+${l}`)].join("\n");
    })
    .join("\n")
    .concat("\n");
}

interface JsonCase {
  label: "safe" | "unsafe";
  command?: string;
  call?: ToolCall;
  note?: string;
  rules?: string[];
}

/** Loads every labelled case of both splits. */
export function loadCorpus(): CorpusCase[] {
  const cases: CorpusCase[] = [];
  for (const split of corpusSplits) {
    for (const kind of ["commands", "calls"] as const) {
      let raw: string;
      try {
        raw = readFileSync(join(corpusDir, `${kind}.${split}.json`), "utf8");
      } catch {
        continue;
      }
      const parsed = JSON.parse(raw) as { cases: JsonCase[] };
      parsed.cases.forEach((c, n) => {
        const base = {
          id: `${kind}.${split}#${n + 1}`,
          split,
          label: c.label,
          kind: kind === "commands" ? ("command" as const) : ("call" as const),
        };
        cases.push({
          ...base,
          ...(c.command !== undefined ? { command: c.command } : {}),
          ...(c.call ? { call: c.call } : {}),
          ...(c.note ? { note: c.note } : {}),
          ...(c.rules ? { rules: c.rules } : {}),
        });
      });
    }
    const jsonDiffPath = join(corpusDir, `diffs.${split}.json`);
    // A file that is present but malformed throws: a silently dropped split would inflate the figures.
    const jsonDiffs = existsSync(jsonDiffPath) ? (JSON.parse(readFileSync(jsonDiffPath, "utf8")) as { cases: JsonDiffCase[] }).cases : [];
    for (const c of jsonDiffs) {
      const note = c.source ? `${c.source}${c.note ? `: ${c.note}` : ""}` : c.note;
      cases.push({
        id: `diffs.${split}#${c.id}`,
        split,
        label: c.label,
        kind: "diff",
        diff: buildDiff(c.files),
        ...(c.context ? { context: c.context } : {}),
        ...(note ? { note } : {}),
      });
    }
    let files: string[] = [];
    try {
      files = readdirSync(join(corpusDir, "diffs", split))
        .filter((f) => f.endsWith(".diff"))
        .sort();
    } catch {
      files = [];
    }
    for (const file of files) {
      const text = readFileSync(join(corpusDir, "diffs", split, file), "utf8");
      const header = /^# context: (.*)\n/.exec(text);
      const label = file.startsWith("unsafe--") ? "unsafe" : "safe";
      cases.push({
        id: `diffs/${split}/${file}`,
        split,
        label,
        kind: "diff",
        diff: header ? text.slice(header[0].length) : text,
        ...(header ? { context: JSON.parse(header[1] as string) as Partial<PolicyContext> } : {}),
      });
    }
  }
  return cases;
}
