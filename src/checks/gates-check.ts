import type { CheckAction, CheckRunPayload } from "../github/check-run-payload.js";
import { cell, gateLabels } from "./format.js";
import { renderGateTable } from "./gate-table.js";
import type { GatesCheckInput, GateRow, StoryStanding } from "./types.js";

export const GATES_CHECK_NAME = "wave/gates";

/** The buttons the `wave/gates` run usually offers in each standing; none once the story is over. */
export function gateActions(standing: StoryStanding): CheckAction[] {
  const approve = { label: "Approve", description: "Approve this story (as /wave approve)", identifier: "approve" };
  const hold = { label: "Hold", description: "Pause this story (as /wave hold)", identifier: "hold" };
  const unhold = { label: "Unhold", description: "Resume this story (as /wave unhold)", identifier: "unhold" };
  switch (standing) {
    case "working":
      return [hold];
    case "awaiting_approval":
      return [approve, hold];
    case "held":
      return [unhold];
    case "ready":
    case "killed":
    case "done":
      return [];
  }
}

function current(gates: GateRow[], states: GateRow["state"][]): GateRow | undefined {
  return gates.find((row) => states.includes(row.state));
}

function title(input: GatesCheckInput): string {
  const reason = input.reason ? `: ${input.reason.replace(/\s+/g, " ")}` : "";
  switch (input.standing) {
    case "working": {
      const gate = current(input.gates, ["running"]) ?? current(input.gates, ["pending"]);
      return gate ? `Working on ${gateLabels[gate.gate]}` : "Working";
    }
    case "held": {
      const gate = current(input.gates, ["held"]);
      return `Held${gate ? ` at ${gateLabels[gate.gate]}` : ""}${reason}`;
    }
    case "awaiting_approval":
      return "Waiting for a human approval";
    case "killed":
      return `Killed${reason}`;
    case "ready":
      if (input.repositoryChecks?.state === "waiting") return "All gates passed; waiting for the repository's checks";
      if (input.repositoryChecks?.state === "failed") return "All gates passed; the repository's checks failed";
      return "All gates passed: ready to merge";
    case "done":
      return "Merged: story done";
  }
}

const nextStep: Record<StoryStanding, string> = {
  working: "WAVE is working. Comment `/wave hold [reason]` to pause it.",
  held: "Comment `/wave unhold` (or press **Unhold**) to resume, `/wave kill <reason>` to stop, or `/wave budget +<usd>` if the budget ran out.",
  awaiting_approval:
    "Review the PR, then comment `/wave approve` (or press **Approve**); `/wave recycle <feedback>` sends it back to build.",
  killed: "This story is over. Label the issue again to start a new one.",
  ready: "A person with write access can merge this PR now.",
  done: "Nothing left to do.",
};

/** Refused writes, where the user looks; GitHub's own words, one line each. */
export function problemLines(problems: string[] | undefined): string[] {
  if (!problems || problems.length === 0) return [];
  return ["**GitHub refused**", "", ...problems.map((p) => `- ⚠️ ${cell(p)}`), ""];
}

/**
 * The `wave/gates` check run. While WAVE works it is `in_progress`; held or waiting
 * for approval it completes as `action_required` with a link; killed is `failure`;
 * `success` only once every gate up to merge has passed. Never `neutral` or
 * `skipped`, which would satisfy a required check.
 */
export function renderGatesCheck(input: GatesCheckInput): CheckRunPayload {
  const recent = input.decisions
    .slice(-5)
    .map((d) => `| ${d.at} | ${gateLabels[d.gate]} | ${d.decision} | @${cell(d.by)} | ${d.reason ? cell(d.reason) : ""} |`);
  const summary = [
    `**${title(input)}**`,
    "",
    renderGateTable(input.gates),
    "",
    ...problemLines(input.problems),
    ...(input.repositoryChecks ? [`**The repository's checks:** ${cell(input.repositoryChecks.detail)}`, ""] : []),
    ...(recent.length > 0
      ? ["**Recent decisions**", "", "| when | gate | decision | by | reason |", "|---|---|---|---|---|", ...recent, ""]
      : []),
    `**Next:** ${nextStep[input.standing]}`,
    "",
    `[Story status](${input.detailsUrl}) · issue #${input.issueNumber}`,
  ].join("\n");
  const base = {
    name: GATES_CHECK_NAME,
    title: title(input),
    summary,
    detailsUrl: input.detailsUrl,
    externalId: input.storyId,
    actions: input.actions,
  };
  switch (input.standing) {
    case "working":
      return { ...base, status: "in_progress" };
    case "held":
    case "awaiting_approval":
      return { ...base, status: "completed", conclusion: "action_required" };
    case "killed":
      return { ...base, status: "completed", conclusion: "failure" };
    case "ready":
      // Green only once the repository's own checks on the head have passed too (when any reported).
      if (input.repositoryChecks?.state === "waiting") return { ...base, status: "in_progress" };
      if (input.repositoryChecks?.state === "failed") return { ...base, status: "completed", conclusion: "action_required" };
      return { ...base, status: "completed", conclusion: "success" };
    case "done":
      return { ...base, status: "completed", conclusion: "success" };
  }
}
