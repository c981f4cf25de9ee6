import { configKeys } from "./reference.js";
import { defaultConfig, type WaveConfig } from "./schema.js";

/** One setting whose effective value is not WAVE's default. */
export interface ChangedSetting {
  key: string;
  from: unknown;
  to: unknown;
}

function valueAt(config: unknown, dottedKey: string): unknown {
  let current = config;
  for (const segment of dottedKey.split(".")) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** Every documented key whose value differs from the default, in the reference's order. */
export function changedSettings(config: WaveConfig): ChangedSetting[] {
  const defaults = defaultConfig();
  return configKeys()
    .map(({ key }) => ({ key, from: valueAt(defaults, key), to: valueAt(config, key) }))
    .filter((c) => JSON.stringify(c.from) !== JSON.stringify(c.to));
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? "null";
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

/** The one line a valid file's `wave/config` check says: what it changes from the defaults. */
export function summarizeChanges(config: WaveConfig): string {
  const changed = changedSettings(config);
  if (changed.length === 0) return "Valid. Every setting is at WAVE's default.";
  const listed = changed.slice(0, 6).map((c) => `\`${c.key}\` ${show(c.from)} → ${show(c.to)}`);
  const more = changed.length > 6 ? `, and ${changed.length - 6} more` : "";
  return `Valid. ${changed.length} setting${changed.length === 1 ? "" : "s"} differ${changed.length === 1 ? "s" : ""} from the defaults: ${listed.join(", ")}${more}.`;
}
