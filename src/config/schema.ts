import { z } from "zod";
import { storyKeys } from "./sections/story.js";
import { sandboxSection } from "./sections/sandbox.js";
import { agentsSection } from "./sections/agents.js";
import { budgetSection } from "./sections/budget.js";
import { safetySection } from "./sections/safety.js";
import { commandsSection } from "./sections/commands.js";
import { orgPolicySection } from "./sections/org-policy.js";
import { notifySection } from "./sections/notify.js";
import { ciFixSection, iterateSection } from "./sections/iterate.js";

/**
 * The whole of `.github/wave.yml`. Unknown keys are errors, so a typo is
 * reported instead of silently ignored. Each layer owns its section's file.
 */
export const waveConfigSchema = z
  .object({
    ...storyKeys,
    sandbox: sandboxSection,
    agents: agentsSection,
    budget: budgetSection,
    safety: safetySection,
    commands: commandsSection,
    org_policy: orgPolicySection,
    notify: notifySection,
    iterate: iterateSection,
    ci_fix: ciFixSection,
  })
  .strict();

export type WaveConfig = z.infer<typeof waveConfigSchema>;
export type WaveConfigInput = z.input<typeof waveConfigSchema>;

/** The configuration used when a repository has no .github/wave.yml. */
export function defaultConfig(): WaveConfig {
  return waveConfigSchema.parse({});
}
