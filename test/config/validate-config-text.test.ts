import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { knownKeysAt } from "../../src/config/schema-walk.js";
import { renderConfigCheck } from "../../src/config/render-config-check.js";
import { summarizeChanges } from "../../src/config/config-summary.js";
import { validateConfigText, type ConfigProblem } from "../../src/config/validate-config-text.js";
import { nearestKey } from "../../src/config/nearest-key.js";

function problems(text: string, organisationRepository = false): ConfigProblem[] {
  const result = validateConfigText(text, { organisationRepository });
  if (result.ok) throw new Error(`expected problems in:\n${text}`);
  return result.problems;
}

/** Every mapping of the schema whose keys are fixed, as a path ([] is the top level). */
const sections: string[][] = [
  [],
  ...knownKeysAt([])
    .filter((k) => knownKeysAt([k]).length > 0)
    .map((k) => [k]),
];

/** `key: value` lines for a path, nested with two-space indents. */
function nested(path: string[], leaf: string): string {
  return [...path, leaf].map((segment, depth) => `${"  ".repeat(depth)}${segment}:`).join("\n");
}

describe("validateConfigText: problems at the line and column the user wrote", () => {
  it("accepts an empty file and a file that sets valid values", () => {
    expect(validateConfigText("").ok).toBe(true);
    expect(validateConfigText("# just a comment\n").ok).toBe(true);
    expect(validateConfigText("_extends: .github\ntrigger_label: ai\nbudget:\n  story_cap_usd: 2\n").ok).toBe(true);
  });

  it("places a YAML syntax error at its position, without going on to the schema", () => {
    const [p, ...rest] = problems("trigger_label: wave\nbudget:\n  story_cap_usd: 2\ntest_command: npm: test\n");
    expect(rest.every((r) => r.key === "(file)")).toBe(true);
    expect(p?.key).toBe("(file)");
    expect(p?.message).toMatch(/^YAML syntax: /);
    expect(p?.line).toBe(4);
    expect(p?.column).toBe(15);
    expect(p?.message).toBe("YAML syntax: Nested mappings are not allowed in compact mappings.");
  });

  it("reports a duplicated key as a syntax problem on its second occurrence", () => {
    const [p] = problems("trigger_label: a\nmax_recycles: 2\ntrigger_label: b\n");
    expect(p?.line).toBe(3);
    expect(p?.message).toMatch(/unique/i);
  });

  it("refuses a file that is a list or a scalar", () => {
    expect(problems("- a\n- b\n")[0]?.key).toBe("(top level)");
    expect(problems("just text\n")[0]?.message).toMatch(/mapping/);
  });

  it("for every section, a misspelt key is an error on that key's line and column, with did-you-mean and an example", () => {
    fc.assert(
      fc.property(fc.constantFrom(...sections), fc.nat(), fc.nat(4), fc.nat(3), (section, pick, blankLines, swapAt) => {
        const keys = knownKeysAt(section).filter((k) => k.length >= 6);
        const key = keys[pick % keys.length];
        if (!key) return;
        // Swap two neighbouring letters: the commonest typo.
        const i = 1 + (swapAt % (key.length - 2));
        const typo = key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2);
        if (typo === key || knownKeysAt(section).includes(typo)) return;
        const text = `${"\n".repeat(blankLines)}${nested(section, typo)} 1\n`;
        // org_policy belongs in the organisation's .github repository.
        const [p, ...rest] = problems(text, section[0] === "org_policy");
        expect(rest).toEqual([]);
        expect(p?.line).toBe(blankLines + 1 + section.length);
        expect(p?.column).toBe(1 + 2 * section.length);
        expect(p?.endColumn).toBe(1 + 2 * section.length + typo.length);
        expect(p?.key).toBe([...section, typo].join("."));
        expect(p?.message).toContain(`Did you mean \`${key}\`?`);
        expect(p?.example).toMatch(new RegExp(`^${key}: `));
      }),
      { numRuns: 200, seed: Number(process.env.FC_SEED ?? 20261201) },
    );
  });

  it("offers no guess for a key far from every known one, and lists the known keys instead", () => {
    const [p] = problems("budget:\n  zzzzzzzzzz: 1\n");
    expect(p?.message).not.toMatch(/Did you mean/);
    expect(p?.message).toContain("`story_cap_usd`");
    expect(nearestKey("zzzzzzzzzz", knownKeysAt([]))).toBeUndefined();
  });

  it("points a wrong value at the value, names the key and shows a valid one", () => {
    const [p] = problems("trigger_label: wave\nbudget:\n  story_cap_usd: lots\n");
    expect(p).toMatchObject({ line: 3, column: 18, endLine: 3, endColumn: 22, key: "budget.story_cap_usd", example: "story_cap_usd: 4" });
    expect(p?.message).toMatch(/^`budget\.story_cap_usd`: .*number/);
  });

  it("for every numeric leaf with a range, a value past it is reported on its line", () => {
    const cases: [string, string, number][] = [
      ["max_recycles: 99\n", "max_recycles", 1],
      ["budget:\n  story_cap_usd: -5\n", "budget.story_cap_usd", 2],
      ["sandbox:\n  memory_mb: 1\n", "sandbox.memory_mb", 2],
      ["safety:\n  block_below: 7\n", "safety.block_below", 2],
    ];
    for (const [text, key, line] of cases) {
      const p = problems(text).find((found) => found.key === key);
      expect(p?.line).toBe(line);
      expect(p?.example).toBeDefined();
    }
  });

  it("reports every problem of a file, sorted by position", () => {
    const found = problems("max_recycles: x\ntrigger_lable: a\nbudget:\n  story_cap_usd: -1\n  prise: 1\n");
    expect(found.map((p) => p.line)).toEqual([1, 2, 4, 5]);
    expect(found.map((p) => p.key)).toEqual(["max_recycles", "trigger_lable", "budget.story_cap_usd", "budget.prise"]);
  });

  it("maps problems inside records and lists to the entry that is wrong", () => {
    const [p] = problems("domain_labels:\n  web: ['web/**']\n  api: []\n");
    expect(p).toMatchObject({ line: 3, key: "domain_labels.api" });
    const [q] = problems("safety:\n  forbidden_paths:\n    - ok/**\n    - 7\n");
    expect(q).toMatchObject({ line: 4, key: "safety.forbidden_paths.1" });
  });

  it("checks `_extends`", () => {
    expect(problems("_extends: [a]\n")[0]).toMatchObject({ key: "_extends", line: 1, example: "_extends: .github" });
  });
});

describe("the wave/config check", () => {
  it("fails with one annotation per problem, columns only on one-line ranges", () => {
    const validation = validateConfigText("trigger_lable: a\nbudget:\n  story_cap_usd: -1\n");
    const check = renderConfigCheck(".github/wave.yml", validation);
    expect(check).toMatchObject({
      name: "wave/config",
      status: "completed",
      conclusion: "failure",
      title: "2 problems in .github/wave.yml",
    });
    expect(check.annotations).toHaveLength(2);
    expect(check.annotations?.[0]).toMatchObject({
      path: ".github/wave.yml",
      start_line: 1,
      end_line: 1,
      start_column: 1,
      end_column: 14,
      annotation_level: "failure",
      title: "trigger_lable",
    });
    expect(check.annotations?.[0]?.message).toMatch(/Did you mean `trigger_label`\?\nA valid value: trigger_label: wave/);
    for (const a of check.annotations ?? []) if (a.start_line !== a.end_line) expect(a.start_column).toBeUndefined();
  });

  it("succeeds with a one-line summary of what differs from the defaults", () => {
    const check = renderConfigCheck(".github/wave.yml", validateConfigText("trigger_label: ai\nbudget:\n  story_cap_usd: 2\n"));
    expect(check.conclusion).toBe("success");
    expect(check.summary).toBe('Valid. 2 settings differ from the defaults: `trigger_label` "wave" → "ai", `budget.story_cap_usd` 4 → 2.');
    expect(check.summary).not.toContain("\n");
    const empty = validateConfigText("");
    if (!empty.ok) throw new Error("empty is valid");
    expect(summarizeChanges(empty.config)).toBe("Valid. Every setting is at WAVE's default.");
  });
});
