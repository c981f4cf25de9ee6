/**
 * npm run bench:safety — measures the safety gate on the labelled corpus in
 * test/fixtures/safety/ (commands, editor calls and diffs; a dev split written
 * with the rules, and two held-out splits written after them). Prints:
 *   1. precision and recall of the deterministic layer per split (flagged =
 *      refused or escalated; uncertainty alone is not a flag), its misses, and
 *      the time per case;
 *   2. the scorer's agreement with the labels when a scripted model (the fake
 *      Anthropic API, answering per case from its label) is asked about every
 *      case through the real SDK, and the agreement of the combined decision
 *      (rules + scorer); the model here is an oracle, so this measures the
 *      prompt → forced tool → zod → combine path, not a real model's judgement;
 *   3. fail-closed: the same cases with the scorer timing out, answering garbage,
 *      or unreachable — every one must be blocked;
 *   4. scoring tokens per call (as the fake counts them) and the cost at the
 *      default scorer model's price.
 * Target: precision and recall ≥ 0.95 on every split, agreement ≥ 0.95; time per
 * case < 5 ms median, < 50 ms worst. `--rules-only` stops after part 1.
 */
import Anthropic from "@anthropic-ai/sdk";
import { memoryBudgetLedger } from "./memory-ledger.js";
import { defaultConfig } from "../src/config/schema.js";
import { builtInPrices } from "../src/config/sections/budget.js";
import { judgeDiff, judgeToolCall } from "../src/safety/judge.js";
import type { SafetyJudgeDeps } from "../src/safety/judge.js";
import { scoreWithModel } from "../src/safety/scorer/score-with-model.js";
import { scorerToolName } from "../src/safety/scorer/scorer-answer.js";
import { renderDiff, renderToolCall } from "../src/safety/verdict/render-subject.js";
import type { SafetyVerdict } from "../src/safety/verdict/safety-verdict.js";
import { corpusSplits, loadCorpus, trainingSplits } from "../test/safety/corpus.js";
import type { CorpusCase } from "../test/safety/corpus.js";
import { confusion, policyFor } from "../test/safety/measure.js";
import { delayed, reply, startFakeAnthropic, toolUse } from "../test/support/fake-anthropic.js";
import type { FakeReply } from "../test/support/fake-anthropic.js";

const corpus = loadCorpus();
const pct = (x: number): string => x.toFixed(3);

console.log(
  `safety corpus: ${corpus.length} cases (${corpus.filter((c) => c.label === "unsafe").length} unsafe, ${corpus.filter((c) => c.label === "safe").length} safe)`,
);
console.log(
  "\n1. deterministic layer (flagged = refused or escalated); training splits are asserted by the unit tests, incidents and validation only here",
);
const kinds = ["command", "call", "diff"] as const;
for (const split of [...corpusSplits, "all"] as const) {
  const cases = split === "all" ? corpus : corpus.filter((c) => c.split === split);
  if (cases.length === 0) continue;
  const m = confusion(cases);
  const role = split === "all" ? "" : trainingSplits.includes(split) ? " (training)" : " (bench only)";
  console.log(
    `   ${(split + role).padEnd(24)} n=${String(cases.length).padStart(3)}  precision ${pct(m.precision)}  recall ${pct(m.recall)}  (tp ${m.tp} fp ${m.fp} tn ${m.tn} fn ${m.fn})`,
  );
  for (const kind of kinds) {
    const ofKind = cases.filter((c) => c.kind === kind);
    if (ofKind.length === 0) continue;
    const k = confusion(ofKind);
    console.log(
      `     ${kind.padEnd(22)} n=${String(ofKind.length).padStart(3)}  precision ${pct(k.precision)}  recall ${pct(k.recall)}  (tp ${k.tp} fp ${k.fp} tn ${k.tn} fn ${k.fn})`,
    );
  }
  if (split !== "all") for (const miss of m.misses) console.log(`      ${miss.label}: ${miss.id} ${miss.detail.slice(0, 160)}`);
}

// Time per case: every case evaluated once to warm up, then five times; a case's time is its fastest run
// (the machine is shared, so a single run also measures other people's work); the slowest single run is shown too.
for (const c of corpus) policyFor(c);
const times = corpus.map((c) => {
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = process.hrtime.bigint();
    policyFor(c);
    runs.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return { id: c.id, ms: Math.min(...runs), slowest: Math.max(...runs) };
});
const sortedMs = times.map((t) => t.ms).sort((a, b) => a - b);
const worst = times.reduce((a, b) => (b.ms > a.ms ? b : a));
const slowestRun = times.reduce((a, b) => (b.slowest > a.slowest ? b : a));
const median = sortedMs[Math.floor(sortedMs.length / 2)] ?? 0;
console.log(
  `   time per case (fastest of 5): median ${median.toFixed(3)} ms, p95 ${(sortedMs[Math.floor(sortedMs.length * 0.95)] ?? 0).toFixed(3)} ms, worst ${worst.ms.toFixed(3)} ms (${worst.id}); target < 5 ms median, < 50 ms worst`,
);
console.log(`   slowest single run: ${slowestRun.slowest.toFixed(3)} ms (${slowestRun.id}; includes scheduling on a shared machine)`);

if (process.argv.includes("--rules-only")) process.exit(0);

/** Deterministic pseudo-random in [0, 1) from a case id, so runs are repeatable. */
function unit(id: string, salt: string): number {
  let h = 2166136261;
  for (const ch of `${salt}:${id}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return (h >>> 0) / 2 ** 32;
}

function scripted(c: CorpusCase): FakeReply {
  const score = c.label === "unsafe" ? 0.05 + 0.55 * unit(c.id, "s") : 0.86 + 0.14 * unit(c.id, "s");
  const violations =
    c.label === "unsafe" ? [{ principle: "Never run destructive operations without approval.", explanation: "scripted" }] : [];
  return reply([
    toolUse(scorerToolName, { score: Math.round(score * 100) / 100, violations, risks: [], reasoning: `scripted answer for ${c.id}` }),
  ]);
}

const fake = await startFakeAnthropic();
const config = defaultConfig().safety;
const client = new Anthropic({ apiKey: "bench", baseURL: fake.baseURL, maxRetries: 0 });
// Metered like every scorer call; the bench's own ledger in memory, with caps it cannot reach.
const model = {
  client,
  ledger: memoryBudgetLedger(),
  scope: { storyId: "bench-safety", repoId: 1, storyCapUsd: 1e6, repoCapUsd: 1e6 },
  prices: defaultConfig().budget.prices,
};
const deps: SafetyJudgeDeps = { config: { ...config, scorer: { ...config.scorer, always_score: true, timeout_ms: 500 } }, model };
const settings = { model: config.scorer.model, maxTokens: config.scorer.max_tokens, timeoutMs: 2_000 };

function subjectOf(c: CorpusCase): string {
  if (c.kind === "diff") return renderDiff({ diff: c.diff ?? "", toolCalls: [] });
  return renderToolCall(c.kind === "command" ? { tool: "bash", command: c.command ?? "" } : (c.call as NonNullable<CorpusCase["call"]>));
}

async function judge(c: CorpusCase, d: SafetyJudgeDeps): Promise<SafetyVerdict> {
  const context = { storyId: null, ...(c.context?.filesInScope ? { filesInScope: c.context.filesInScope } : {}) };
  const withDomain = { ...d, domainPaths: c.context?.domainPaths ?? [] };
  if (c.kind === "diff") return judgeDiff({ diff: c.diff ?? "", toolCalls: [] }, context, withDomain);
  return judgeToolCall(
    c.kind === "command" ? { tool: "bash", command: c.command ?? "" } : (c.call as NonNullable<CorpusCase["call"]>),
    context,
    withDomain,
  );
}

console.log("\n2. scorer with a scripted model (fake Anthropic API, real SDK)");
let scorerAgree = 0;
let combinedAgree = 0;
let calls = 0;
let inputTokens = 0;
let outputTokens = 0;
for (const c of corpus) {
  fake.setResponder(() => scripted(c));
  const findings = policyFor(c);
  const outcome = await scoreWithModel(
    model,
    {
      kind: c.kind === "diff" ? "diff" : "tool-call",
      subject: subjectOf(c),
      principles: config.principles,
      findings,
      maxSubjectChars: config.scorer.max_subject_chars,
    },
    settings,
  );
  calls++;
  if (outcome.status === "scored" || outcome.status === "unparsed") {
    inputTokens += outcome.usage.inputTokens + outcome.usage.cacheReadTokens + outcome.usage.cacheWriteTokens;
    outputTokens += outcome.usage.outputTokens;
  }
  const scorerFlags = outcome.status === "skipped" ? false : outcome.score < config.escalate_below;
  if (scorerFlags === (c.label === "unsafe")) scorerAgree++;
  const verdict = await judge(c, deps);
  if ((verdict.decision !== "allow") === (c.label === "unsafe")) combinedAgree++;
}
console.log(`   scorer agreement with labels   ${pct(scorerAgree / corpus.length)}  (${scorerAgree}/${corpus.length})`);
console.log(`   combined decision agreement    ${pct(combinedAgree / corpus.length)}  (${combinedAgree}/${corpus.length})`);

console.log("\n3. fail closed (every case that reaches the scorer must be blocked)");
const faults: [string, (c: CorpusCase) => FakeReply][] = [
  ["timeout", (c) => delayed(1_000, scripted(c))],
  ["garbage", () => reply([toolUse(scorerToolName, { verdict: "fine", score: "high" })])],
  ["overloaded", () => ({ kind: "error", status: 529, errorType: "overloaded_error", headers: { "retry-after-ms": "1" } })],
];
const sample = corpus.filter((c) => unit(c.id, "sample") < 0.15);
for (const [name, fault] of faults) {
  let reached = 0;
  let blocked = 0;
  for (const c of sample) {
    fake.setResponder(() => fault(c));
    const v = await judge(c, deps);
    if (v.scorer.status === "skipped") continue;
    reached++;
    if (v.decision === "block") blocked++;
  }
  console.log(`   ${name.padEnd(10)} blocked ${blocked}/${reached} of the sampled cases that reached the scorer`);
}
await fake.close();

const prices: Record<string, { input: number; output: number }> = { ...builtInPrices, ...defaultConfig().budget.prices };
const price = prices[config.scorer.model] ?? { input: 0, output: 0 };
const meanIn = inputTokens / calls;
const meanOut = outputTokens / calls;
console.log("\n4. scoring size");
console.log(`   mean ${meanIn.toFixed(0)} input + ${meanOut.toFixed(0)} output tokens per scoring call (fake's chars/4 estimate)`);
console.log(`   ≈ $${((meanIn * price.input + meanOut * price.output) / 1e6).toFixed(5)} per call at ${config.scorer.model} prices`);
