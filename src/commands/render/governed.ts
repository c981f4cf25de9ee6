import type { PolicyValue } from "../../config/org-policy.js";

/**
 * The organisation-governed values in force, for `/wave status`: each key's
 * value and whether the organisation's value or the repository's tighter one stands.
 */
export function renderGoverned(effective: readonly PolicyValue[]): string {
  const lines = effective.map(
    (item) =>
      `- \`${item.key}\`: \`${typeof item.value === "string" ? item.value : JSON.stringify(item.value)}\` (${item.source === "organisation" ? "the organisation's" : "this repository's, tighter than the organisation's"})`,
  );
  return ["**Decided by the organisation** (a repository may only tighten these):", ...lines].join("\n");
}
