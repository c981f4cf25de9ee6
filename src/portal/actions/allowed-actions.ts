import { authorizeSender } from "../../commands/github/authorize-sender.js";
import type { Command } from "../../commands/command-catalog.js";
import type { StoryRow } from "../../store/stories.js";
import { readSnapshot } from "../../story/snapshot.js";
import { isTerminal, stateName } from "../../story/transition.js";
import type { PortalContext } from "../context.js";
import type { PortalAction } from "../pages/story-page.js";

/** A stand-in for each action, to ask the permission matrix about it (arguments do not change who may). */
const PROBE: Record<PortalAction, Command> = {
  hold: { name: "hold", reason: null },
  unhold: { name: "unhold" },
  approve: { name: "approve" },
  retry: { name: "retry" },
  recycle: { name: "recycle", feedback: "x" },
  kill: { name: "kill", reason: "x" },
  budget: { name: "budget", amountCents: 100 },
};

/** The actions that make sense where the story stands. */
function applicable(story: StoryRow): PortalAction[] {
  const snapshot = readSnapshot(story.snapshot, story.machineVersion);
  if (isTerminal(snapshot)) return [];
  if (stateName(snapshot) === "held") return ["unhold", "retry", "budget", "kill"];
  if (snapshot.context.step.endsWith("Approval")) return ["approve", "hold", "kill"];
  return ["hold", "recycle", "budget", "kill"];
}

/**
 * The buttons to show this person: the applicable actions the permission
 * matrix allows them, asked the same way a comment would be. The POST checks
 * again; hiding a button is courtesy, not the control.
 */
export async function allowedActions(
  ctx: PortalContext,
  login: string,
  story: StoryRow,
  ownerType: "User" | "Organization",
): Promise<PortalAction[]> {
  const candidates = applicable(story);
  if (candidates.length === 0) return [];
  const octokit = await ctx.github.forInstallation(story.installationId);
  const snapshot = readSnapshot(story.snapshot, story.machineVersion);
  const allowed: PortalAction[] = [];
  for (const action of candidates) {
    const outcome = await authorizeSender(octokit, ctx.directory, {
      sender: { login, type: "User" },
      repository: { id: story.repoId, owner: { login: story.owner, type: ownerType }, name: story.repo },
      commands: [PROBE[action]],
      story: { starter: story.startedBy, holdPlacers: (snapshot.context.holds.people ?? []).map((hold) => hold.by) },
      config: story.config.commands,
    });
    if (outcome.kind === "decided" && outcome.decision.allowed) allowed.push(action);
  }
  return allowed;
}

/** Owners among the installations the person sees, for the emergency-stop controls. */
export async function ownedAccounts(
  ctx: PortalContext,
  login: string,
  installations: { id: number; account: string; type: "User" | "Organization" }[],
): Promise<string[]> {
  const owned: string[] = [];
  for (const installation of installations) {
    const octokit = await ctx.github.forInstallation(installation.id);
    if (await ctx.directory.isOwner(octokit, { login: installation.account, type: installation.type }, login, 60))
      owned.push(installation.account.toLowerCase());
  }
  return owned;
}
