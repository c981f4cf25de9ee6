import { quoteUntrusted } from "../agents/untrusted.js";
import type { RunAnnotation, RunOnHead } from "../github/ci-results.js";

/** How much of a failing job's log the developer sees: its last lines, where the failure is. */
export const LOG_LINES = 80;
export const LOG_CHARS = 8000;

/** One failing check run with what was read about it. */
export interface FailingCheck {
  run: Pick<RunOnHead, "name" | "appSlug" | "title" | "summary">;
  annotations: readonly RunAnnotation[];
  /** The tail of the GitHub Actions job's log, when it could be read. */
  log: string | null;
}

/** The last `LOG_LINES` lines of a log, at most `LOG_CHARS` characters, without the runner's timestamps. */
export function logExcerpt(log: string): string {
  const lines = log
    .replace(/\r\n/g, "\n")
    .split("\n")
    .map((line) => line.replace(/^\d{4}-\d\d-\d\dT[\d:.]+Z /, ""));
  const tail = lines.slice(-LOG_LINES).join("\n");
  return tail.length > LOG_CHARS ? tail.slice(-LOG_CHARS) : tail;
}

/**
 * The repository's failing checks as the developer agent's feedback: each run's name and
 * app, its title and summary, its annotations and, for GitHub Actions, the tail of the
 * job's log. Check output is written by whatever the repository's CI runs, so all of it is
 * quoted as untrusted data.
 */
export function renderCiFeedback(headSha: string, failing: readonly FailingCheck[], attempt: number, maxAttempts: number): string {
  const parts = [
    `The repository's own checks failed on ${headSha.slice(0, 7)} (fix attempt ${attempt} of ${maxAttempts}). Make them pass without weakening the tests.`,
  ];
  for (const check of failing) {
    const lines = [`Check \`${check.run.name}\`${check.run.appSlug ? ` (${check.run.appSlug})` : ""} failed.`];
    const output = [check.run.title, check.run.summary].filter(Boolean).join("\n\n");
    if (output) lines.push(quoteUntrusted("untrusted_check_output", output.slice(0, 4000)));
    if (check.annotations.length > 0) {
      const list = check.annotations.map((a) => `${a.path}:${a.line} ${a.level ?? "failure"}: ${a.message}`).join("\n");
      lines.push(`Annotations:\n${quoteUntrusted("untrusted_check_annotations", list.slice(0, 4000))}`);
    }
    if (check.log) lines.push(`The end of the job's log:\n${quoteUntrusted("untrusted_job_log", logExcerpt(check.log))}`);
    parts.push(lines.join("\n"));
  }
  return parts.join("\n\n");
}
