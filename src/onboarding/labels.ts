import { mirrorLabels } from "../effects/render-status-comment.js";

/** A label WAVE creates in every repository it is installed on. */
export interface LabelSpec {
  name: string;
  /** Six hex digits, no `#`. */
  color: string;
  /** What the label does; GitHub allows 100 characters. */
  description: string;
}

const mirrorSpecs: Record<(typeof mirrorLabels)[number], Omit<LabelSpec, "name">> = {
  "wave:held": { color: "fbca04", description: "WAVE paused this story; its status comment says why and who may resume it." },
  "wave:killed": { color: "b60205", description: "WAVE stopped this story for good; its status comment gives the reason." },
  "wave:done": { color: "0e8a16", description: "WAVE's pull request for this story was merged." },
};

/** The trigger label and the `wave:*` labels that mirror a story's status. */
export function waveLabels(triggerLabel: string): LabelSpec[] {
  return [
    {
      name: triggerLabel,
      color: "1d76db",
      description: "Add to an issue to have WAVE plan, build and open a reviewed pull request for it.",
    },
    ...mirrorLabels.map((name) => ({ name, ...mirrorSpecs[name] })),
  ];
}
