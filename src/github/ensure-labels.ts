import { callGitHub } from "./call-github.js";
import type { RepoContext } from "./client.js";
import type { LabelSpec } from "../onboarding/labels.js";

export interface EnsureLabelsResult {
  /** `archived` and `gone` repositories are left alone. */
  outcome: "labelled" | "archived" | "gone";
  /** Labels this call created (an existing one, whatever its colour, is left as it is). */
  created: string[];
  requests: number;
}

interface GraphqlErrorLike {
  name?: string;
  errors?: { type?: string; message?: string; path?: (string | number)[] }[];
  data?: unknown;
}

function graphqlFailure(error: unknown): GraphqlErrorLike | undefined {
  const e = error as GraphqlErrorLike;
  return e && e.name === "GraphqlResponseError" && Array.isArray(e.errors) ? e : undefined;
}

/** GitHub's answer when a label of that name is already there (created meanwhile, by someone else or an earlier attempt). */
const ALREADY_THERE = /already (been )?taken|already exists/i;

/** What one read tells about a repository's labels: whether it is there, archived, and which of `labels` it lacks. */
export interface LabelsFound {
  outcome: "present" | "archived" | "gone";
  repositoryNodeId?: string;
  missing: LabelSpec[];
}

/** One GraphQL read: the repository's id, whether it is archived, and which of the labels exist (by name, as GitHub compares them). */
export async function findLabels(ctx: RepoContext, labels: readonly LabelSpec[]): Promise<LabelsFound> {
  const vars: Record<string, string> = { owner: ctx.owner, name: ctx.repo };
  labels.forEach((l, i) => (vars[`l${i}`] = l.name));
  const read = `query($owner: String!, $name: String!, ${labels.map((_, i) => `$l${i}: String!`).join(", ")}) {
  repository(owner: $owner, name: $name) { id isArchived ${labels.map((_, i) => `l${i}: label(name: $l${i}) { name }`).join(" ")} }
}`;
  let found: Record<string, unknown> | null;
  try {
    const data = await callGitHub(() => ctx.octokit.graphql<{ repository: Record<string, unknown> | null }>(read, vars), ctx.retry);
    found = data.repository;
  } catch (error) {
    const failure = graphqlFailure(error);
    if (failure?.errors?.every((e) => e.type === "NOT_FOUND")) return { outcome: "gone", missing: [] };
    throw error;
  }
  if (!found) return { outcome: "gone", missing: [] };
  if (found.isArchived === true) return { outcome: "archived", missing: [] };
  return { outcome: "present", repositoryNodeId: String(found.id), missing: labels.filter((_, i) => !found[`l${i}`]) };
}

/**
 * Makes sure a repository has WAVE's labels, in at most two GitHub requests: one read
 * (is it archived, which of the labels exist) and, when any is missing, one GraphQL
 * request creating all of them. `beforeWrite` is awaited before that write, for pacing;
 * it is not called when nothing needs creating. An existing label is never changed, so
 * a maintainer's colours and wording stay.
 */
export async function ensureLabels(
  ctx: RepoContext,
  labels: readonly LabelSpec[],
  beforeWrite: () => Promise<void>,
): Promise<EnsureLabelsResult> {
  const found = await findLabels(ctx, labels);
  if (found.outcome !== "present") return { outcome: found.outcome, created: [], requests: 1 };
  const missing = found.missing;
  if (missing.length === 0) return { outcome: "labelled", created: [], requests: 1 };

  const input: Record<string, string> = { repositoryId: String(found.repositoryNodeId) };
  missing.forEach((l, i) => Object.assign(input, { [`n${i}`]: l.name, [`c${i}`]: l.color, [`d${i}`]: l.description }));
  const write = `mutation($repositoryId: ID!, ${missing.map((_, i) => `$n${i}: String!, $c${i}: String!, $d${i}: String!`).join(", ")}) {
  ${missing.map((_, i) => `c${i}: createLabel(input: { repositoryId: $repositoryId, name: $n${i}, color: $c${i}, description: $d${i} }) { label { name } }`).join("\n  ")}
}`;
  await beforeWrite();
  let created: string[];
  try {
    await callGitHub(() => ctx.octokit.graphql(write, input), ctx.retry);
    created = missing.map((l) => l.name);
  } catch (error) {
    const failure = graphqlFailure(error);
    if (!failure?.errors?.every((e) => ALREADY_THERE.test(e.message ?? ""))) throw error;
    // Some were there already: those are done; the others in the same request were created.
    const taken = new Set(failure.errors.map((e) => String(e.path?.[0] ?? "")));
    created = missing.filter((_, i) => !taken.has(`c${i}`)).map((l) => l.name);
  }
  return { outcome: "labelled", created, requests: 2 };
}
