import type { WaveConfig } from "../config/schema.js";
import { ciFixSection, iterateSection, type CiFixConfig, type IterateConfig } from "../config/sections/iterate.js";

/** The story's `iterate` settings; stories stored before the section existed get its defaults. */
export function iterateSettings(config: WaveConfig): IterateConfig {
  return (config as Partial<WaveConfig>).iterate ?? iterateSection.parse(undefined);
}

/** The story's `ci_fix` settings, with the same fallback. */
export function ciFixSettings(config: WaveConfig): CiFixConfig {
  return (config as Partial<WaveConfig>).ci_fix ?? ciFixSection.parse(undefined);
}
