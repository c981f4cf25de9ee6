import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { ToolCall } from "../../src/agents/screening.js";
import type { PolicyContext } from "../../src/safety/types.js";

/**
 * `dev` was written with the rules; `heldout` after them (one general fix followed
 * its first measurement); `heldout2` after the rules were final, never used to change them.
 */
export const corpusSplits = ["dev", "heldout", "heldout2"] as const;
export type CorpusSplit = (typeof corpusSplits)[number];

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
        const base = { id: `${kind}.${split}#${n + 1}`, split, label: c.label, kind: kind === "commands" ? ("command" as const) : ("call" as const) };
        cases.push({ ...base, ...(c.command !== undefined ? { command: c.command } : {}), ...(c.call ? { call: c.call } : {}), ...(c.note ? { note: c.note } : {}), ...(c.rules ? { rules: c.rules } : {}) });
      });
    }
    let files: string[] = [];
    try {
      files = readdirSync(join(corpusDir, "diffs", split)).filter((f) => f.endsWith(".diff")).sort();
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
