import type { Plan } from "../agents/plan.js";
import type { StoryRow } from "../store/stories.js";

/** The plan kept on the story at gate 1, with its rendering for the status comment. */
export type StoredPlan = Plan & { markdown: string };

export function storedPlan(story: StoryRow): StoredPlan {
  const plan = story.plan as StoredPlan | null;
  if (!plan) throw new Error(`story ${story.id} has no plan yet`);
  return plan;
}
