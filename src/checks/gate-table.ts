import { cell, gateLabels, stateLabels } from "./format.js";
import type { GateRow } from "./types.js";

/** The gate table shared by the `wave/gates` summary and the PR body. */
export function renderGateTable(gates: GateRow[]): string {
  const rows = gates.map((row) => `| ${gateLabels[row.gate]} | ${stateLabels[row.state]} | ${row.note ? cell(row.note) : ""} |`);
  return ["| gate | state | note |", "|---|---|---|", ...rows].join("\n");
}
