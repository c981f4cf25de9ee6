import { gateLabels } from "../../checks/format.js";
import { holdReason } from "../../story/gate-view.js";
import { holdsInPlace } from "../../story/hold-rules.js";
import type { StoredSnapshot } from "../../story/snapshot.js";
import { gateOf, stateName } from "../../story/transition.js";
import { commandLabel, type CommandName } from "../command-catalog.js";
import { inlineText } from "./escape.js";

const approvalSteps: Readonly<Record<string, string>> = {
  planApproval: "the plan",
  safetyApproval: "the escalated safety finding",
  reviewApproval: "the pull request",
};

/** whereSentence a story stands, in one clause: "working at G3 Build", "held at G1 Plan (held by …)". */
export function whereItStands(snapshot: StoredSnapshot): string {
  const name = stateName(snapshot);
  const ctx = snapshot.context;
  const gate = gateLabels[gateOf(ctx)];
  if (name === "killed") return `killed${ctx.killed ? ` (${inlineText(ctx.killed.reason)})` : ""}`;
  if (name === "done") return "done: its pull request was merged";
  if (name === "held") {
    const why = holdReason(ctx);
    return `held at ${gate}${why ? ` (${inlineText(why)})` : ""}`;
  }
  const waiting = approvalSteps[ctx.step];
  if (waiting) return `waiting at ${gate} for a person to approve ${waiting}`;
  if (ctx.step === "merge") return `approved${ctx.approvedBy ? ` by \`${ctx.approvedBy}\`` : ""}; its pull request waits to be merged`;
  return `working at ${gate}`;
}

/**
 * Why a permitted command changed nothing, and what the story waits for
 * instead, so an approval that does not apply is never met with silence.
 */
export function renderNotApplied(command: CommandName, snapshot: StoredSnapshot): string {
  const label = `\`${commandLabel(command)}\``;
  const name = stateName(snapshot);
  const where = `the story is ${whereItStands(snapshot)}`;
  const whereSentence = `The story is ${whereItStands(snapshot)}`;
  if (name === "killed" || name === "done") return `${label} did nothing: ${where}. Label the issue again to start a new story.`;
  const ctx = snapshot.context;
  switch (command) {
    case "approve":
      if (name === "held")
        return `${label} did nothing: ${where}. Lift the hold first (\`/wave unhold\`), then approve when WAVE asks for it.`;
      if (ctx.step === "reviewApproval") {
        return `${label} did nothing: ${where}, but the change has not passed verify and safety yet; \`/wave retry\` or \`/wave recycle <feedback>\` first.`;
      }
      return `${label} did nothing: nothing waits for approval. ${whereSentence}; WAVE asks for an approval when the plan (if your config requires it) or the pull request is ready.`;
    case "unhold":
      return name === "held"
        ? `${label} did nothing: no hold in place is one you may lift. ${liftList(snapshot)}`
        : `${label} did nothing: the story is not held. ${whereSentence}.`;
    case "retry":
      if (name !== "held")
        return `${label} did nothing: nothing failed, so there is nothing to retry. ${whereSentence}; \`/wave retry\` applies once a gate fails and holds the story.`;
      return ctx.holds.gate
        ? `${label} did nothing: you may not lift the failed gate's hold. ${liftList(snapshot)}`
        : `${label} did nothing: no gate failed; retry only re-runs a gate that failed. ${liftList(snapshot)}`;
    case "recycle":
      return name === "held"
        ? `${label} did nothing: it sends the change back to build only when you may lift every hold in place. ${liftList(snapshot)}`
        : `${label} did nothing: there is no change to send back to build yet. ${whereSentence}.`;
    default:
      return `${label} did nothing: ${where}.`;
  }
}

/** A release that took, while something else still holds the story (the emergency stop, the budget, another gate hold). */
export function renderStillHeld(command: CommandName, snapshot: StoredSnapshot): string {
  return `\`${commandLabel(command)}\` lifted what it could, but the story is still held. ${liftList(snapshot)}`;
}

/** The holds in place and who may lift each, in one sentence. */
export function liftList(snapshot: StoredSnapshot): string {
  const holds = holdsInPlace(snapshot.context);
  if (holds.length === 0) return "No hold is in place.";
  return `Holds in place: ${holds.map((hold) => `${hold.placedBy} (${inlineText(hold.reason, 80)}), lifted by ${hold.liftedBy}`).join("; ")}.`;
}
