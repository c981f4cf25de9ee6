import type { WaveConfig } from "../config/schema.js";
import { iterateSection, type IterateConfig } from "../config/sections/iterate.js";

/** The story's `iterate` settings; stories stored before the section existed get its defaults. */
export function iterateSettings(config: WaveConfig): IterateConfig {
  return (config as Partial<WaveConfig>).iterate ?? iterateSection.parse(undefined);
}
