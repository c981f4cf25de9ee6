import type { Command } from "./command-catalog.js";

/** One button on a check run, in the shape the Checks API takes. */
export interface CheckRunAction {
  /** At most 20 characters. */
  label: string;
  /** At most 40 characters. */
  description: string;
  /** At most 20 characters; comes back as `requested_action.identifier`. */
  identifier: "approve" | "hold" | "unhold";
}

/** GitHub's limits on check-run actions. */
export const checkRunActionLimits = { maxActions: 3, label: 20, description: 40, identifier: 20 } as const;

const buttons: Readonly<Record<CheckRunAction["identifier"], CheckRunAction>> = {
  approve: { label: "Approve", description: "Same as /wave approve", identifier: "approve" },
  hold: { label: "Hold", description: "Same as /wave hold", identifier: "hold" },
  unhold: { label: "Unhold", description: "Same as /wave unhold", identifier: "unhold" },
};

/** What the story looks like, as far as the buttons care. */
export interface ButtonState {
  held: boolean;
  /** A gate waits for `/wave approve`. */
  awaitingApproval: boolean;
  /** Killed or done: no buttons. */
  finished: boolean;
}

/**
 * The `actions` of the `wave/gates` check run: Hold or Unhold (whichever
 * applies), and Approve while a gate waits for it. With no state given, all
 * three. A button is only a shortcut; clicking it goes through the same
 * permission check as the command.
 */
export function gateCheckRunActions(state?: ButtonState): CheckRunAction[] {
  if (!state) return [buttons.approve, buttons.hold, buttons.unhold];
  if (state.finished) return [];
  const actions: CheckRunAction[] = [];
  if (state.awaitingApproval && !state.held) actions.push(buttons.approve);
  actions.push(state.held ? buttons.unhold : buttons.hold);
  return actions;
}

/** The command a clicked button stands for, or null for an identifier WAVE did not set. */
export function commandForAction(identifier: string): Command | null {
  switch (identifier) {
    case "approve":
      return { name: "approve" };
    case "hold":
      return { name: "hold", reason: "held with the check-run button" };
    case "unhold":
      return { name: "unhold" };
    default:
      return null;
  }
}
