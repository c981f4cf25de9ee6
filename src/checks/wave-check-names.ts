import { safetyCheckName } from "../safety/check-run/render-safety-check.js";
import { BUDGET_CHECK_NAME } from "./budget-check.js";
import { GATES_CHECK_NAME } from "./gates-check.js";

/** The check runs WAVE writes on a story's head: the ones its own re-runs answer, and never "the repository's checks". */
export const WAVE_CHECK_NAMES: ReadonlySet<string> = new Set([GATES_CHECK_NAME, safetyCheckName, BUDGET_CHECK_NAME]);
