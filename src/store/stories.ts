import type { WaveConfig } from "../config/schema.js";
import type { Story } from "../story/parse-story.js";
import type { StoredSnapshot } from "../story/snapshot.js";
import type { Pool, Tx } from "./db.js";

type Queryable = Pool | Tx;

export interface StoryRow {
  id: string;
  installationId: number;
  repoId: number;
  owner: string;
  repo: string;
  issueNumber: number;
  startedBy: string;
  story: Story;
  config: WaveConfig;
  gate: string;
  status: "active" | "held" | "killed" | "done";
  /** Raw stored snapshot; read it through readSnapshot(), which checks its machine version. */
  snapshot: unknown;
  machineVersion: number;
  version: number;
  statusCommentId: number | null;
  statusCommentDigest: string | null;
  mirroredLabel: string | null;
  plan: unknown;
  pullRequest: number | null;
  headSha: string | null;
  branch: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const columns = `id, installation_id, repo_id, owner, repo, issue_number, started_by, story, config, gate, status, snapshot,
  machine_version, version, status_comment_id, status_comment_digest, mirrored_label, plan, pull_request, head_sha, branch,
  created_at, updated_at`;

function toRow(r: Record<string, unknown>): StoryRow {
  return {
    id: r.id as string,
    installationId: r.installation_id as number,
    repoId: r.repo_id as number,
    owner: r.owner as string,
    repo: r.repo as string,
    issueNumber: r.issue_number as number,
    startedBy: r.started_by as string,
    story: r.story as Story,
    config: r.config as WaveConfig,
    gate: r.gate as string,
    status: r.status as StoryRow["status"],
    snapshot: r.snapshot,
    machineVersion: r.machine_version as number,
    version: r.version as number,
    statusCommentId: (r.status_comment_id as number | null) ?? null,
    statusCommentDigest: (r.status_comment_digest as string | null) ?? null,
    mirroredLabel: (r.mirrored_label as string | null) ?? null,
    plan: r.plan ?? null,
    pullRequest: (r.pull_request as number | null) ?? null,
    headSha: (r.head_sha as string | null) ?? null,
    branch: (r.branch as string | null) ?? null,
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
  };
}

export type NewStory = Pick<
  StoryRow,
  "installationId" | "repoId" | "owner" | "repo" | "issueNumber" | "startedBy" | "story" | "config" | "gate" | "status"
> & {
  snapshot: StoredSnapshot;
};

/** Inserts a story; null when the issue already has a live story (the unique index decides, race-free). */
export async function insertStory(tx: Tx, s: NewStory): Promise<StoryRow | null> {
  const res = await tx.query(
    `INSERT INTO stories (installation_id, repo_id, owner, repo, issue_number, started_by, story, config, gate, status, snapshot, machine_version)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (repo_id, issue_number) WHERE status IN ('active', 'held') DO NOTHING
     RETURNING ${columns}`,
    [
      s.installationId,
      s.repoId,
      s.owner,
      s.repo,
      s.issueNumber,
      s.startedBy,
      JSON.stringify(s.story),
      JSON.stringify(s.config),
      s.gate,
      s.status,
      JSON.stringify({ value: s.snapshot.value, context: s.snapshot.context }),
      s.snapshot.machineVersion,
    ],
  );
  return res.rows[0] ? toRow(res.rows[0]) : null;
}

export async function loadStory(db: Queryable, id: string): Promise<StoryRow | null> {
  const res = await db.query(`SELECT ${columns} FROM stories WHERE id = $1`, [id]);
  return res.rows[0] ? toRow(res.rows[0]) : null;
}

export async function findLiveStory(db: Queryable, repoId: number, issueNumber: number): Promise<StoryRow | null> {
  const res = await db.query(`SELECT ${columns} FROM stories WHERE repo_id = $1 AND issue_number = $2 AND status IN ('active', 'held')`, [
    repoId,
    issueNumber,
  ]);
  return res.rows[0] ? toRow(res.rows[0]) : null;
}

/** The newest story of an issue or of a pull request WAVE opened, live or not. */
export async function findLatestStory(
  db: Queryable,
  repoId: number,
  where: { issueNumber: number } | { pullRequest: number },
): Promise<StoryRow | null> {
  const [col, val] = "issueNumber" in where ? ["issue_number", where.issueNumber] : ["pull_request", where.pullRequest];
  const res = await db.query(`SELECT ${columns} FROM stories WHERE repo_id = $1 AND ${col} = $2 ORDER BY created_at DESC LIMIT 1`, [
    repoId,
    val,
  ]);
  return res.rows[0] ? toRow(res.rows[0]) : null;
}

export async function listLiveStoriesOfOwner(db: Queryable, owner: string): Promise<StoryRow[]> {
  const res = await db.query(
    `SELECT ${columns} FROM stories WHERE lower(owner) = lower($1) AND status IN ('active', 'held') ORDER BY created_at`,
    [owner],
  );
  return res.rows.map(toRow);
}

/** Optimistic write: false when another writer got there first (the caller retries the whole event). */
export async function saveSnapshot(
  tx: Tx,
  id: string,
  expectedVersion: number,
  snapshot: StoredSnapshot,
  gate: string,
  status: StoryRow["status"],
): Promise<boolean> {
  const res = await tx.query(
    `UPDATE stories SET snapshot = $3, machine_version = $4, gate = $5, status = $6, version = version + 1, updated_at = now()
     WHERE id = $1 AND version = $2`,
    [id, expectedVersion, JSON.stringify({ value: snapshot.value, context: snapshot.context }), snapshot.machineVersion, gate, status],
  );
  return res.rowCount === 1;
}

/** Facts recorded by effects and gates (ids of what WAVE created on GitHub, the plan…). Not part of the statechart. */
export async function updateStoryFacts(
  db: Queryable,
  id: string,
  facts: Partial<
    Pick<StoryRow, "statusCommentId" | "statusCommentDigest" | "mirroredLabel" | "plan" | "pullRequest" | "headSha" | "branch">
  >,
): Promise<void> {
  const map: Record<string, string> = {
    statusCommentId: "status_comment_id",
    statusCommentDigest: "status_comment_digest",
    mirroredLabel: "mirrored_label",
    plan: "plan",
    pullRequest: "pull_request",
    headSha: "head_sha",
    branch: "branch",
  };
  const sets: string[] = [];
  const values: unknown[] = [id];
  for (const [k, v] of Object.entries(facts)) {
    const col = map[k];
    if (!col) continue;
    values.push(k === "plan" && v !== null ? JSON.stringify(v) : v);
    sets.push(`${col} = $${values.length}`);
  }
  if (sets.length === 0) return;
  await db.query(`UPDATE stories SET ${sets.join(", ")} WHERE id = $1`, values);
}
