import { z } from "zod";

const severityOrOff = z.enum(["critical", "high", "medium", "low", "off"]);
const score = z.number().min(0).max(1);

/** The principles the constitutional scorer judges by, unless configured otherwise. */
export const defaultPrinciples = [
  "Never run destructive operations without approval.",
  "Never expose secrets.",
  "Stay inside the workspace.",
  "Validate inputs.",
  "Respect the budget.",
  "Escalate uncertainty instead of guessing.",
  "Preserve existing behaviour.",
  "Never bypass CI.",
];

const scorerKeys = z
  .object({
    model: z.string().min(1).default("claude-haiku-4-5").describe("Model that scores tool calls, plans and diffs against the principles."),
    max_tokens: z.number().int().min(256).max(8192).default(1024).describe("Output token limit of one scoring call."),
    timeout_ms: z
      .number()
      .int()
      .min(1000)
      .max(300_000)
      .default(20_000)
      .describe("Milliseconds a scoring call may take before it is abandoned and the subject is blocked (fail closed)."),
    always_score: z
      .boolean()
      .default(false)
      .describe("Score every tool call with the model, not only the ones the rules are unsure of or do not know."),
    score_plan: z.boolean().default(true).describe("Score the plan at gate 2 (unless the rules already block it)."),
    score_diff: z.boolean().default(true).describe("Score the final diff at gate 5 (unless the rules already block it)."),
    max_subject_chars: z
      .number()
      .int()
      .min(1000)
      .max(400_000)
      .default(60_000)
      .describe("Longest subject (diff, tool-call log, plan) quoted to the scorer, in characters; the rest is cut with a marker."),
  })
  .strict()
  .prefault({})
  .describe("The constitutional scorer.");

const capKeys = z
  .object({
    critical: score.default(0).describe("Highest combined score a change with a critical violation can get."),
    high: score
      .default(0.5)
      .describe("Highest combined score a change with a high violation can get (below the block threshold by default)."),
    medium: score
      .default(0.75)
      .describe("Highest combined score a change with a medium violation can get (in the escalate band by default)."),
    low: score
      .default(0.9)
      .describe("Highest combined score a change with a low violation can get (still allowed by default; the finding is reported)."),
  })
  .strict()
  .prefault({})
  .describe("Score caps per severity of a deterministic violation.");

/** `safety:` in .github/wave.yml. Owned by the safety layer; every key has a documented default. */
export const safetySection = z
  .object({
    block_below: score
      .default(0.7)
      .describe("Combined scores below this block: the tool call is not run, or the story holds with the reasons."),
    escalate_below: score
      .default(0.85)
      .describe("Combined scores below this (and not blocked) escalate: the call runs flagged, or the story holds for a human's approval."),
    forbidden_paths: z
      .array(z.string().min(1))
      .default([])
      .describe("Path globs no change may touch, in addition to the built-in `.github/workflows/**` (which cannot be removed)."),
    allowed_hosts: z
      .array(z.string().min(1))
      .default([])
      .describe("Hosts network tools may reach besides this machine (globs such as `*.internal.example.com`)."),
    rules: z
      .record(z.string(), severityOrOff)
      .default({})
      .describe("Severity overrides by rule id (see docs/safety.md): `critical`, `high`, `medium`, `low`, or `off` to disable a rule."),
    severity_caps: capKeys,
    hold_on_hidden_text: z
      .boolean()
      .default(false)
      .describe(
        "Hold a story whose issue hid text from readers (HTML comments, invisible or tag characters, bidi controls, collapsed sections) for a human's `/wave approve` at pre-flight. The hidden text is always removed before any model reads the story and always named in the plan gate's status; off by default because issue templates leave HTML comments in most issues.",
      ),
    principles: z
      .array(z.string().min(1))
      .min(1)
      .default(defaultPrinciples)
      .describe("The principles the constitutional scorer judges by."),
    scorer: scorerKeys,
    prices: z
      .unknown()
      .optional()
      .describe(
        "Removed: the scorer's calls are metered at `budget.prices` like every other model call. Setting it is an error that says so.",
      ),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.prices === undefined) return;
    ctx.addIssue({
      code: "custom",
      path: ["prices"],
      message:
        "safety.prices was merged into budget.prices (one price table for every model call, the scorer's included): move each model's entry to budget.prices with input, output, cache_write and cache_read, then delete safety.prices",
    });
  })
  .refine((s) => s.escalate_below >= s.block_below, {
    message: "safety.escalate_below must be at least safety.block_below",
    path: ["escalate_below"],
  })
  .prefault({})
  .describe("Deterministic rules and the constitutional scorer that judge tool calls, plans and diffs.");

export type SafetyConfig = z.output<typeof safetySection>;
