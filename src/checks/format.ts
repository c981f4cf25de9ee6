import type { GateName, GateState } from "./types.js";

export const gateLabels: Record<GateName, string> = {
  intake: "G0 Intake",
  plan: "G1 Plan",
  preflight: "G2 Pre-flight",
  build: "G3 Build",
  verify: "G4 Verify",
  safety: "G5 Safety",
  review: "G6 Review",
  merge: "G7 Merge",
};

export const stateLabels: Record<GateState, string> = {
  pending: "⚪ pending",
  running: "🔵 running",
  passed: "🟢 passed",
  held: "🟠 held",
  awaiting_approval: "🟡 awaiting approval",
  failed: "🔴 failed",
  killed: "⛔ killed",
};

/** Dollars: cents for ordinary amounts, four places below a cent so small spend is not shown as $0.00. */
export function usd(amount: number): string {
  if (amount !== 0 && Math.abs(amount) < 0.01) return `$${amount.toFixed(4)}`;
  return `$${amount.toFixed(2)}`;
}

export function integer(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

/** Text safe inside a markdown table cell and on one line. */
export function cell(value: string): string {
  return value.replace(/\r?\n/g, " ").replace(/\|/g, "\\|").replace(/</g, "&lt;");
}

/** A 20-step bar, clamped to [0, 1]. */
export function bar(fraction: number, width = 20): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
}
