import type { CheckRunPayload } from "../github/check-run-payload.js";
import { GATES_CHECK_NAME, gateActions, problemLines } from "./gates-check.js";

export interface IteratingCheckInput {
  storyId: string;
  issueNumber: number;
  pullRequest: number;
  detailsUrl: string;
  /** Writes GitHub refused for good: shown at once, as in every `wave/gates`. */
  problems?: string[];
}

/**
 * Pure: `wave/gates` on the head an iteration is replacing, while the iteration runs
 * (`iterationInFlight`). In progress, so it blocks a merge like any working state, and the same
 * text from the iteration's start to its end, so the gates it passes meanwhile rewrite nothing:
 * the next commit gets its own runs with the full gate table.
 */
export function renderIteratingGatesCheck(input: IteratingCheckInput): CheckRunPayload {
  const title = `Iterating on PR #${input.pullRequest}`;
  const summary = [
    `**${title}**`,
    "",
    "WAVE is working on the feedback given on this commit: build, verify, safety and review run again, and the next commit gets its own checks.",
    "",
    ...problemLines(input.problems),
    `[Story status](${input.detailsUrl}) · issue #${input.issueNumber}`,
  ].join("\n");
  return {
    name: GATES_CHECK_NAME,
    status: "in_progress",
    title,
    summary,
    detailsUrl: input.detailsUrl,
    externalId: input.storyId,
    actions: gateActions("working"),
  };
}
