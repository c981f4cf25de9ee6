import { z } from "zod";
import type { DeliveryHandler } from "../webhooks/route-delivery.js";
import { answerHeadChecks } from "./answer-head-checks.js";

const payload = z.object({
  action: z.literal("completed"),
  check_suite: z.object({
    id: z.number(),
    head_sha: z.string(),
    app: z.object({ id: z.number(), slug: z.string().optional() }).nullable(),
    pull_requests: z.array(z.object({ number: z.number(), base: z.object({ ref: z.string() }).optional() })),
  }),
  repository: z.object({ id: z.number(), name: z.string(), owner: z.object({ login: z.string() }) }),
  installation: z.object({ id: z.number() }).nullish(),
});

/**
 * `check_suite.completed` on the head of WAVE's PR: the head's checks are evaluated against
 * the base branch's required checks (`answerHeadChecks`), which may send the story back to
 * fix them. WAVE's own suite, suites of an older head and of apps that never ran anything
 * are ignored.
 */
export const handleCheckSuiteCompleted: DeliveryHandler = async (delivery, context) => {
  const parsed = payload.safeParse(delivery.payload);
  if (!parsed.success) return "ignored: not a completed check suite";
  const { check_suite: suite, repository } = parsed.data;
  const pr = suite.pull_requests[0];
  if (pr === undefined) return "ignored: the suite belongs to no pull request";
  return answerHeadChecks(delivery, context, {
    what: "suite",
    headSha: suite.head_sha,
    pullRequest: pr.number,
    baseRef: pr.base?.ref ?? null,
    app: suite.app ? { id: suite.app.id, slug: suite.app.slug ?? null } : null,
    runName: null,
    runExternalId: null,
    repository,
  });
};
