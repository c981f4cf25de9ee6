import { z } from "zod";
import type { DeliveryHandler } from "../webhooks/route-delivery.js";
import { answerHeadChecks } from "./answer-head-checks.js";

const payload = z.object({
  action: z.literal("completed"),
  check_run: z.object({
    id: z.number(),
    name: z.string(),
    head_sha: z.string(),
    external_id: z.string().nullish(),
    app: z.object({ id: z.number(), slug: z.string().optional() }).nullable(),
    pull_requests: z.array(z.object({ number: z.number(), base: z.object({ ref: z.string() }).optional() })),
  }),
  repository: z.object({ id: z.number(), name: z.string(), owner: z.object({ login: z.string() }) }),
  installation: z.object({ id: z.number() }).nullish(),
});

/**
 * `check_run.completed` of another app on the head of WAVE's PR: some CIs report only runs
 * (a run re-run and completed after its suite did), so a run is answered the way its suite
 * is (`answerHeadChecks`), and the two cannot start two iterations for one head. WAVE's own
 * runs completing are ignored before any request; WAVE's buttons and re-runs on its own runs
 * are the `requested_action` and `rerequested` handlers'.
 */
export const handleCheckRunCompleted: DeliveryHandler = async (delivery, context) => {
  const parsed = payload.safeParse(delivery.payload);
  if (!parsed.success) return "ignored: not a completed check run";
  const { check_run: run, repository } = parsed.data;
  const pr = run.pull_requests[0];
  if (pr === undefined) return "ignored: the run belongs to no pull request";
  return answerHeadChecks(delivery, context, {
    what: "run",
    headSha: run.head_sha,
    pullRequest: pr.number,
    baseRef: pr.base?.ref ?? null,
    app: run.app ? { id: run.app.id, slug: run.app.slug ?? null } : null,
    runName: run.name,
    runExternalId: run.external_id ?? null,
    repository,
  });
};
