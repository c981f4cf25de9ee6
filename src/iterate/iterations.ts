import type { PermissionLevel } from "../config/sections/commands.js";
import type { Pool, Tx } from "../store/db.js";

type Queryable = Pool | Tx;

/** A line comment an iteration answers in its thread once its commit is on the branch. */
export interface ThreadToAnswer {
  id: number;
  path: string;
  line: number | null;
}

export type IterationState = "queued" | "running" | "published" | "unchanged";

/**
 * One piece of PR feedback that sends (or will send) the story back to build: a review, failing checks, or the base
 * branch moving onto the change (`base`, src/iterate/rebuild-on-base.ts); see migrations/…_iterations.sql.
 */
export interface Iteration {
  id: number;
  storyId: string;
  deliveryId: string;
  source: "review" | "ci" | "base";
  sender: string;
  role: PermissionLevel;
  reviewId: number | null;
  headSha: string | null;
  feedback: string;
  comments: ThreadToAnswer[];
  state: IterationState;
  resultSha: string | null;
  /** What started it, in a few words ("CI: `test`"); null: said from its source and sender. */
  trigger: string | null;
}

const columns = `id, story_id, delivery_id, source, sender, role, review_id, head_sha, feedback, comments, state, result_sha, trigger`;

function toIteration(r: Record<string, unknown>): Iteration {
  return {
    id: Number(r.id),
    storyId: r.story_id as string,
    deliveryId: r.delivery_id as string,
    source: r.source as Iteration["source"],
    sender: r.sender as string,
    role: r.role as PermissionLevel,
    reviewId: r.review_id === null ? null : Number(r.review_id),
    headSha: r.head_sha as string | null,
    feedback: r.feedback as string,
    comments: r.comments as ThreadToAnswer[],
    state: r.state as IterationState,
    resultSha: r.result_sha as string | null,
    trigger: (r.trigger as string | null) ?? null,
  };
}

export type NewIteration = Omit<Iteration, "id" | "resultSha" | "trigger"> & { trigger?: string | null };

/** Records an iteration once per delivery: a redelivered webhook finds the row it already wrote. */
export async function recordIteration(db: Queryable, iteration: NewIteration): Promise<{ iteration: Iteration; created: boolean }> {
  const inserted = await db.query(
    `INSERT INTO story_iterations (story_id, delivery_id, source, sender, role, review_id, head_sha, feedback, comments, state, trigger)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (delivery_id) DO NOTHING
     RETURNING ${columns}`,
    [
      iteration.storyId,
      iteration.deliveryId,
      iteration.source,
      iteration.sender,
      iteration.role,
      iteration.reviewId,
      iteration.headSha,
      iteration.feedback,
      JSON.stringify(iteration.comments),
      iteration.state,
      iteration.trigger ?? null,
    ],
  );
  if (inserted.rows[0]) return { iteration: toIteration(inserted.rows[0]), created: true };
  const found = await db.query(`SELECT ${columns} FROM story_iterations WHERE delivery_id = $1`, [iteration.deliveryId]);
  return { iteration: toIteration(found.rows[0]), created: false };
}

/** The story's iterations in one state, oldest first. */
export async function iterationsIn(db: Queryable, storyId: string, state: IterationState): Promise<Iteration[]> {
  const res = await db.query(`SELECT ${columns} FROM story_iterations WHERE story_id = $1 AND state = $2 ORDER BY id`, [storyId, state]);
  return res.rows.map(toIteration);
}

/** How many iterations from `source` were sent to build for the story (running or finished), for their bound. */
export async function startedIterations(db: Queryable, storyId: string, source: Iteration["source"] = "review"): Promise<number> {
  const res = await db.query(`SELECT count(*) AS n FROM story_iterations WHERE story_id = $1 AND source = $2 AND state <> 'queued'`, [
    storyId,
    source,
  ]);
  return Number(res.rows[0].n);
}

/** Moves iterations on; `resultSha` is the head their attempt published. */
export async function markIterations(
  db: Queryable,
  ids: readonly number[],
  state: IterationState,
  resultSha: string | null = null,
): Promise<void> {
  if (ids.length === 0) return;
  await db.query(
    `UPDATE story_iterations SET state = $2, result_sha = COALESCE($3, result_sha),
       finished_at = CASE WHEN $2 IN ('published', 'unchanged') THEN now() ELSE finished_at END
     WHERE id = ANY($1::bigint[])`,
    [ids, state, resultSha],
  );
}
