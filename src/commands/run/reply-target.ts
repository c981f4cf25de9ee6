import type { StoryRow } from "../../store/stories.js";
import type { CommandEvent } from "../command-event.js";

type Actionable = Extract<CommandEvent, { kind: "text" | "button" }>;

/**
 * Where a reply about an event goes: the issue or pull request the command
 * was written on; for a button, the story's pull request (else the run's,
 * else the story's issue), since a check run has no conversation of its own.
 */
export function replyTarget(event: Actionable, story: StoryRow | null): number | null {
  if (event.kind === "text") return event.number;
  return story?.pullRequest ?? event.pullRequests[0] ?? story?.issueNumber ?? null;
}
