import type { RunOnHead, StatusOnHead, SuiteOnHead } from "../github/ci-results.js";
import type { RequiredCheck, RequiredChecks } from "../github/required-checks.js";
import type { HeadChecks } from "./head-checks.js";

/** Everything known about the other apps' checks on one head (WAVE's own already left out). */
export interface HeadFacts {
  headSha: string;
  runs: readonly RunOnHead[];
  /** Other apps' suites that ran something. */
  suites: readonly SuiteOnHead[];
  /** Commit statuses, when read (only a required context without a check run needs them). */
  statuses: readonly StatusOnHead[] | null;
  required: RequiredChecks;
  /** `ci_fix.only_required`: only failing required checks start a fix iteration. */
  onlyRequired: boolean;
}

/** What the head's checks mean for `wave/gates` and whether a fix iteration is due. */
export interface HeadVerdict extends Omit<HeadChecks, "required"> {
  /** A required context has no check run and the commit statuses were not read yet: read them and ask again. */
  needsStatuses: boolean;
  /** Failing check runs a fix iteration should address (empty: no iteration now). */
  fixRuns: RunOnHead[];
  /** Failing required commit statuses a fix iteration should address. */
  fixStatuses: StatusOnHead[];
  /** Set while WAVE waits: what for, for the delivery's outcome. */
  waitingFor: string | null;
}

type Standing = "pass" | "fix" | "blocked" | "pending";

const failed = new Set(["failure", "timed_out"]);
/** What a required check passes on (GitHub's rule: success, neutral or skipped). */
const passing = new Set(["success", "neutral", "skipped"]);

function standingOfRun(run: RunOnHead): Standing {
  if (run.status !== "completed" || run.conclusion === null) return "pending";
  if (passing.has(run.conclusion)) return "pass";
  // cancelled, action_required, stale: they block a merge, but no code change fixes them.
  return failed.has(run.conclusion) ? "fix" : "blocked";
}

function standingOfStatus(status: StatusOnHead): Standing {
  if (status.state === "success") return "pass";
  return status.state === "pending" ? "pending" : "fix";
}

const worst: Standing[] = ["pending", "fix", "blocked", "pass"];

function matches(check: RequiredCheck, run: RunOnHead): boolean {
  return run.name === check.context && (check.appId === null || run.appId === check.appId);
}

const quoted = (names: readonly string[]) => names.map((n) => `\`${n}\``).join(", ");

/**
 * The repository's checks on a head, decided. When the base branch's rules require checks,
 * only those are waited on and only their failure turns `wave/gates` away from green; a
 * failing check nobody requires is named and (with `ci_fix.only_required`) left alone. When
 * nothing is required, or the rules cannot be read (said in the detail), every other app's
 * suite is waited on and any failure counts, as before rules were read.
 */
export function evaluateHeadChecks(facts: HeadFacts): HeadVerdict {
  const short = facts.headSha.slice(0, 7);
  const { required } = facts;
  if (required.readable && required.checks.length > 0) return byRules(facts, short);

  const cannot = required.readable
    ? ""
    : `WAVE cannot read the base branch's required checks (${required.why ?? "unknown"}): waiting on every check. `;
  const pending = facts.suites.filter((s) => s.status !== "completed");
  const failing = facts.runs.filter((run) => standingOfRun(run) === "fix");
  const base = { headSha: facts.headSha, needsStatuses: false, fixStatuses: [] };
  if (pending.length > 0) {
    const apps = pending.map((s) => s.appSlug ?? "an app").join(", ");
    return {
      ...base,
      state: "waiting",
      detail: `${cannot}waiting for ${apps} on ${short}`,
      fixRuns: [],
      waitingFor: `${pending.length} other suite(s)`,
    };
  }
  if (failing.length > 0) {
    return {
      ...base,
      state: "failed",
      detail: `${cannot}failing on ${short}: ${quoted(failing.map((r) => r.name))}`,
      fixRuns: failing,
      waitingFor: null,
    };
  }
  return { ...base, state: "passed", detail: `${cannot}passed on ${short}`, fixRuns: [], waitingFor: null };
}

function byRules(facts: HeadFacts, short: string): HeadVerdict {
  const each = facts.required.checks.map((check) => {
    const runs = facts.runs.filter((run) => matches(check, run));
    if (runs.length > 0) {
      const standing = worst.find((s) => runs.some((run) => standingOfRun(run) === s)) ?? "pass";
      return { check, standing, runs: runs.filter((run) => standingOfRun(run) === "fix"), status: null, noRun: false };
    }
    const status = facts.statuses?.find((s) => s.context === check.context) ?? null;
    return { check, standing: status ? standingOfStatus(status) : ("pending" as Standing), runs: [], status, noRun: true };
  });
  const needsStatuses = facts.statuses === null && each.some((e) => e.noRun);
  const pending = each.filter((e) => e.standing === "pending");
  const failing = each.filter((e) => e.standing === "fix" || e.standing === "blocked");
  const isRequired = (run: RunOnHead) => facts.required.checks.some((check) => matches(check, run));
  const optionalFailing = facts.runs.filter((run) => !isRequired(run) && standingOfRun(run) === "fix");
  const optionalNote = optionalFailing.length > 0 ? `; failing but not required: ${quoted(optionalFailing.map((r) => r.name))}` : "";
  const names = (list: typeof each) => quoted(list.map((e) => e.check.context));
  const base = { headSha: facts.headSha, needsStatuses };
  // Fixing a failing check nobody requires is still worth an iteration when the repository asks for it.
  const othersDone = facts.suites.every((s) => s.status === "completed");
  const optionalFix = !facts.onlyRequired && othersDone ? optionalFailing : [];

  if (pending.length > 0) {
    return {
      ...base,
      state: "waiting",
      detail: `waiting for the required ${names(pending)} on ${short}${optionalNote}`,
      fixRuns: [],
      fixStatuses: [],
      waitingFor: `required check(s) ${names(pending)}`,
    };
  }
  if (failing.length > 0) {
    return {
      ...base,
      state: "failed",
      detail: `failing on ${short}: ${names(failing)}${optionalNote}`,
      fixRuns: [...failing.flatMap((e) => e.runs), ...optionalFix],
      fixStatuses: failing.flatMap((e) => (e.status && e.standing === "fix" ? [e.status] : [])),
      waitingFor: null,
    };
  }
  return {
    ...base,
    state: "passed",
    detail: `the required ${names(each)} passed on ${short}${optionalNote}`,
    fixRuns: optionalFix,
    fixStatuses: [],
    waitingFor: null,
  };
}
