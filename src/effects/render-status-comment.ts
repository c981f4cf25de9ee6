import { renderGateTable } from "../checks/gate-table.js";
import { cell, gateLabels } from "../checks/format.js";
import { problemLines } from "../checks/gates-check.js";
import { storyMarker } from "../github/story-marker.js";
import type { GateView } from "../story/gate-view.js";

export interface StatusCommentInput {
  storyId: string;
  title: string;
  issueNumber: number;
  view: GateView;
  /** Rendered plan markdown, once the planner produced one. */
  plan?: string | null;
  /** One line: "$0.42 of $4.00 ████░░…", once spend is known. */
  budget?: string | null;
  /** One line: "0.93 (pass)", once the safety gate scored. */
  safety?: string | null;
  pullRequestUrl?: string | null;
  /** The last failure (test output, error), shown folded. */
  lastFailure?: string | null;
  emergencyStop?: { by: string } | null;
  /** Writes GitHub refused for good (dead-lettered effects), newest last. */
  problems?: string[];
  /** An iteration on the open PR is under way (`iterationInFlight`): the comment says it is next updated at its end. */
  iterating?: { pullRequest: number };
}

const headline: Record<GateView["standing"], string> = {
  working: "🔵 working",
  held: "🟠 held",
  awaiting_approval: "🟡 waiting for a human",
  killed: "⛔ killed",
  ready: "🟢 ready to merge",
  done: "✅ done",
};

const nextSteps: Record<GateView["standing"], string[]> = {
  working: ["`/wave hold [reason]` pauses the story", "`/wave kill <reason>` stops it for good", "`/wave status` shows recent activity"],
  held: [
    "`/wave unhold` resumes it",
    "`/wave retry` re-runs the gate that failed",
    "`/wave budget +<usd>` raises the budget",
    "`/wave kill <reason>` stops it for good",
  ],
  awaiting_approval: [
    "`/wave approve` approves (write access; not the person who started the story)",
    "`/wave recycle <feedback>` sends it back to build",
    "`/wave hold [reason]` pauses it",
  ],
  killed: ["Label the issue again to start a new story"],
  ready: ["Merge the pull request when you are happy with it", "`/wave recycle <feedback>` sends it back to build"],
  done: ["Nothing left to do"],
};

const FAILURE_LIMIT = 3000;

/** Pure: the one status comment of a story, rendered from its stored state. */
export function renderStatusComment(input: StatusCommentInput): string {
  const { view } = input;
  // The hidden marker finds the comment again even if its stored id was lost.
  const lines: string[] = [storyMarker(input.storyId)];
  if (input.emergencyStop) {
    lines.push(
      `> [!WARNING]`,
      `> **Organisation emergency stop** is on (by @${input.emergencyStop.by}). Every WAVE story here is held until an owner comments \`/wave resume-all\`.`,
      "",
    );
  }
  lines.push(`### 🌊 WAVE story: ${cell(input.title)}`, "");
  const reason = view.reason ? ` — ${cell(view.reason)}` : "";
  lines.push(`**Status:** ${headline[view.standing]}${reason}`);
  if (input.iterating) {
    lines.push(
      "",
      `**Iterating on PR #${input.iterating.pullRequest}:** build, verify, safety and review run again on the feedback. This comment is updated next when the new commit is on the pull request, or at once if the story holds.`,
    );
  }
  const facts = [
    input.pullRequestUrl ? `**Pull request:** ${input.pullRequestUrl}` : null,
    input.budget ? `**Budget:** ${input.budget}` : null,
    input.safety ? `**Safety:** ${input.safety}` : null,
  ].filter((x): x is string => x !== null);
  if (facts.length) lines.push("", facts.join(" · "));
  lines.push("", renderGateTable(view.gates));
  if (view.holds.length) {
    lines.push(
      "",
      "**Holds in place**",
      "",
      ...view.holds.map((hold) => `- ${cell(hold.placedBy)}: ${cell(hold.reason)} — lifted by ${hold.liftedBy}`),
    );
  }
  const problems = problemLines(input.problems);
  if (problems.length) lines.push("", ...problems.slice(0, -1));
  if (input.plan) lines.push("", "<details><summary><b>Plan</b></summary>", "", input.plan.trim(), "", "</details>");
  if (input.lastFailure && view.standing !== "done") {
    const text =
      input.lastFailure.length > FAILURE_LIMIT
        ? `${input.lastFailure.slice(0, FAILURE_LIMIT)}\n…[truncated ${input.lastFailure.length - FAILURE_LIMIT} characters]`
        : input.lastFailure;
    lines.push("", "<details><summary><b>Last failure</b></summary>", "", "```text", text.replace(/```/g, "ˋˋˋ"), "```", "", "</details>");
  }
  const recent = view.decisions.slice(-8);
  if (recent.length) {
    lines.push(
      "",
      "**Decisions**",
      "",
      ...recent.map((d) => `- ${gateLabels[d.gate]}: **${d.decision}** by @${cell(d.by)}${d.reason ? ` — ${cell(d.reason)}` : ""}`),
    );
  }
  lines.push("", "**What you can do:** " + nextSteps[view.standing].join(" · "));
  return lines.join("\n") + "\n";
}

/** The label mirroring a story's status, or null while it works normally. */
export function mirrorLabel(standing: GateView["standing"]): "wave:held" | "wave:killed" | "wave:done" | null {
  if (standing === "held") return "wave:held";
  if (standing === "killed") return "wave:killed";
  if (standing === "done") return "wave:done";
  return null;
}

export const mirrorLabels = ["wave:held", "wave:killed", "wave:done"] as const;
