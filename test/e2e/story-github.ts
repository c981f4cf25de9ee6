import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { startFakeGitHub, type FakeGitHub } from "../support/fake-github-server.js";
import { GitRepoFake, OWNER, REPO } from "../support/fake-git-repo.js";
import { githubExample } from "../support/webhook-examples.js";

/** GitHub's side of the story's issue: the comments and labels WAVE wrote. */
export interface IssueState {
  comments: { id: number; body: string }[];
  labels: Set<string>;
}

export interface StoryGitHub {
  server: FakeGitHub;
  fake: GitRepoFake;
  issue(issueNumber: number): IssueState;
  baseSha: string;
  /** Every request WAVE made to GitHub, "METHOD /path", in order. */
  requests(): string[];
  close(): Promise<void>;
}

function filesOf(dir: string): Record<string, { content: Buffer }> {
  const out: Record<string, { content: Buffer }> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[relative(dir, full)] = { content: readFileSync(full) };
    }
  };
  walk(dir);
  return out;
}

/**
 * The whole of GitHub one story meets, on loopback (the sandbox's Docker
 * streams and nock cannot share a process): the installation token,
 * `.github/wave.yml`, the labeler's permission, the issue's comments and
 * labels, the repository and its tarball, and the stateful Git Data, pulls,
 * checks and reviews of `GitRepoFake`, whose main branch holds `repoDir`.
 */
export async function storyGitHub(options: { config: string; repoDir: string; tarball: Buffer }): Promise<StoryGitHub> {
  const fake = new GitRepoFake();
  const baseSha = fake.commit(filesOf(options.repoDir));
  fake.refs.set("refs/heads/main", baseSha);
  const server = await startFakeGitHub({ git: fake });
  server.configs.set(`${OWNER}/${REPO}`, options.config);
  server.repos.set(`${OWNER}/${REPO}`, { branch: "main", sha: baseSha, tarball: options.tarball });
  return {
    server,
    fake,
    baseSha,
    issue: (n) => ({
      comments: server.comments.get(`${OWNER}/${REPO}#${n}`) ?? [],
      labels: server.labels.get(`${OWNER}/${REPO}#${n}`) ?? new Set(),
    }),
    requests: () => server.requests.map((r) => `${r.method} ${r.path}`),
    close: () => server.close(),
  };
}

/** GitHub's example repository object, renamed to the fake's repository. */
export function storyRepository(repoId: number): Record<string, unknown> {
  const r = githubExample<{ repository: Record<string, unknown> }>("issues", "labeled").repository;
  // The fake's repository's default branch is main (the example payload's says master).
  return {
    ...r,
    id: repoId,
    name: REPO,
    full_name: `${OWNER}/${REPO}`,
    default_branch: "main",
    owner: { ...(r.owner as object), login: OWNER },
  };
}
