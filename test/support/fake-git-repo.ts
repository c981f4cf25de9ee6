import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { pack } from "tar-stream";
import { Octokit } from "@octokit/rest";
import type { RepoContext } from "../../src/github/client.js";

/**
 * A small stateful GitHub for one repository, as a transport-free router
 * (`handle`): served by nock in test/publish/fake-github.ts, and over loopback
 * HTTP by test/support/fake-github-server.ts for tests that drive Docker (where
 * nock must not be loaded): Git Data objects, refs,
 * compare, pulls, GraphQL ready-for-review, check runs and reviews. State lets a
 * replayed publish meet what the first run left behind, as on GitHub.
 */
export const OWNER = "octo-org";
export const REPO = "hello";
const API = "https://api.github.com";

type Mode = "100644" | "100755" | "120000" | "040000";
interface Entry {
  mode: Mode;
  sha: string;
}
interface Commit {
  tree: string;
  parents: string[];
  message: string;
}
export interface Pull {
  number: number;
  node_id: string;
  head: string;
  base: string;
  title: string;
  body: string;
  draft: boolean;
  state: "open" | "closed";
  /** Set when a test merges the PR (GitHub's `merged`). */
  merged?: boolean;
}
export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
}
interface Fault {
  method: string;
  path: RegExp;
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

const sha1 = (data: Buffer | string) => createHash("sha1").update(data).digest("hex");

export { gitBlobSha } from "../../src/publish/git-blob-sha.js";
import { gitBlobSha } from "../../src/publish/git-blob-sha.js";

/** The app WAVE's own check runs belong to in this fake. */
export const WAVE_APP = { id: 1, slug: "wave" };
const WAVE_SUITE = 1;

/** Another app's check suite on a commit, with its runs as GitHub lists them. */
export interface CiSuite {
  id: number;
  app: { id: number; slug: string };
  status: "queued" | "in_progress" | "completed";
  conclusion: "success" | "failure" | "timed_out" | null;
  runs: {
    id: number;
    name: string;
    head_sha: string;
    external_id: string | null;
    status: string;
    conclusion: string | null;
    output: { title: string | null; summary: string | null; annotations_count: number };
    annotations?: { path: string; start_line: number; end_line: number; annotation_level: string; message: string }[];
  }[];
}

export class GitRepoFake {
  readonly blobs = new Map<string, Buffer>();
  readonly trees = new Map<string, Map<string, Entry>>();
  readonly commits = new Map<string, Commit>();
  readonly refs = new Map<string, string>();
  readonly pulls: Pull[] = [];
  readonly checkRuns = new Map<number, Record<string, unknown>[]>();
  readonly reviews = new Map<number, { id: number; body: string; comments?: unknown }[]>();
  /** Line comments of reviews people submitted, by review id (what `GET …/reviews/{id}/comments` answers). */
  readonly reviewComments = new Map<number, Record<string, unknown>[]>();
  /** Replies WAVE posted in review threads: the thread's comment id, the reply's body. */
  readonly threadReplies: { pullNumber: number; commentId: number; id: number; body: string }[] = [];
  /** Other apps' check suites (GitHub Actions and the like) on a commit, with their runs. */
  readonly ci = new Map<string, CiSuite[]>();
  /** GitHub Actions job logs by job id (an Actions check run's id). */
  readonly jobLogs = new Map<number, string>();
  /** Classic branch protection's required status checks by branch (absent: GitHub's 404, not protected). */
  readonly protection = new Map<string, { contexts: string[]; checks: { context: string; app_id: number | null }[] }>();
  /** Active rulesets' `required_status_checks` rules by branch: the checks each rule lists. */
  readonly rulesets = new Map<string, { context: string; integration_id?: number }[][]>();
  /** Commit statuses by commit, latest per context. */
  readonly statuses = new Map<
    string,
    { context: string; state: "success" | "pending" | "failure" | "error"; description: string | null }[]
  >();
  readonly requests: RecordedRequest[] = [];
  private readonly faults: Fault[] = [];
  private counter = 0;

  context(retry: RepoContext["retry"] = { sleep: async () => undefined }): RepoContext {
    const quiet = () => undefined;
    return {
      octokit: new Octokit({ auth: "installation-token", log: { debug: quiet, info: quiet, warn: quiet, error: quiet } }),
      owner: OWNER,
      repo: REPO,
      retry,
    };
  }

  /** The next request matching `method` and `path` fails once with `status`. */
  failOnce(method: string, path: RegExp, status: number, body: unknown, headers: Record<string, string> = {}): void {
    this.faults.push({ method, path, status, body, headers });
  }

  /** A commit whose tree holds exactly `files` (path → content, mode). */
  commit(files: Record<string, { content: string | Buffer; mode?: Mode }>, parents: string[] = [], message = "seed"): string {
    const entries = new Map<string, Entry>();
    for (const [path, file] of Object.entries(files)) {
      const content = Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content);
      const sha = gitBlobSha(content);
      this.blobs.set(sha, content);
      entries.set(path, { mode: file.mode ?? "100644", sha });
    }
    return this.addCommit({ tree: this.addTree(entries), parents, message });
  }

  /** The files of a commit: path → { mode, content }. */
  filesOf(commitSha: string): Map<string, { mode: Mode; content: Buffer }> {
    const commit = this.commits.get(commitSha);
    const tree = commit ? this.trees.get(commit.tree) : undefined;
    const out = new Map<string, { mode: Mode; content: Buffer }>();
    for (const [path, entry] of tree ?? []) out.set(path, { mode: entry.mode, content: this.blobs.get(entry.sha) ?? Buffer.alloc(0) });
    return out;
  }

  /** A commit's files as GitHub's tarball of it: gzipped, under one `owner-repo-sha` folder; undefined for an unknown commit. */
  async tarball(commitSha: string): Promise<Buffer | undefined> {
    if (!this.commits.has(commitSha)) return undefined;
    const tar = pack();
    const chunks: Buffer[] = [];
    tar.on("data", (chunk: unknown) => chunks.push(chunk as Buffer));
    const ended = new Promise<void>((resolve, reject) => tar.on("end", resolve).on("error", reject));
    const top = `${OWNER}-${REPO}-${commitSha.slice(0, 7)}`;
    for (const [path, file] of this.filesOf(commitSha)) {
      if (file.mode === "120000") tar.entry({ name: `${top}/${path}`, type: "symlink", linkname: file.content.toString() });
      else tar.entry({ name: `${top}/${path}`, mode: file.mode === "100755" ? 0o755 : 0o644 }, file.content);
    }
    tar.finalize();
    await ended;
    return gzipSync(Buffer.concat(chunks));
  }

  /** Whether `sha` is `ancestor` or has it among its ancestors. */
  descends(sha: string, ancestor: string): boolean {
    const seen = new Set<string>();
    const walk = [sha];
    while (walk.length > 0) {
      const next = walk.pop() ?? "";
      if (next === ancestor) return true;
      if (seen.has(next)) continue;
      seen.add(next);
      walk.push(...(this.commits.get(next)?.parents ?? []));
    }
    return false;
  }

  count(method: string, path: RegExp): number {
    return this.requests.filter((r) => r.method === method && path.test(r.path)).length;
  }

  private addTree(entries: Map<string, Entry>): string {
    const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : 1));
    const sha = sha1(`tree ${JSON.stringify(sorted)}`);
    this.trees.set(sha, new Map(sorted));
    return sha;
  }

  private addCommit(commit: Commit): string {
    // Real commits carry a timestamp, so the same tree and parent still make a new commit.
    const sha = sha1(`commit ${JSON.stringify(commit)} ${this.counter++}`);
    this.commits.set(sha, commit);
    return sha;
  }

  /** Answers one request: [status, body, headers]. `uri` is the path with its query, without /api/v3. */
  handle(method: string, uri: string, rawBody: unknown, accept = ""): [number, unknown, Record<string, string>?] {
    const url = new URL(uri, API);
    const path = decodeURIComponent(url.pathname);
    const body = typeof rawBody === "string" && rawBody.length > 0 ? (JSON.parse(rawBody) as unknown) : rawBody;
    this.requests.push({ method, path: `${path}${url.search}`, body });
    const fault = this.faults.findIndex((f) => f.method === method && f.path.test(path));
    if (fault >= 0) {
      const [f] = this.faults.splice(fault, 1);
      if (f) return [f.status, f.body, f.headers];
    }
    const b = (body ?? {}) as Record<string, unknown>;
    const repoPath = `/repos/${OWNER}/${REPO}`;
    const notFound: [number, unknown] = [404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" }];
    if (path === "/graphql") return this.graphql(b);
    if (!path.startsWith(repoPath)) return notFound;
    const route = path.slice(repoPath.length);
    let m: RegExpExecArray | null;

    if (method === "GET" && (m = /^\/git\/ref\/(.+)$/.exec(route))) {
      const sha = this.refs.get(`refs/${m[1]}`);
      return sha ? [200, { ref: `refs/${m[1]}`, object: { sha, type: "commit" } }] : notFound;
    }
    if (method === "GET" && (m = /^\/git\/commits\/([0-9a-f]{40})$/.exec(route))) {
      const commit = this.commits.get(m[1] ?? "");
      return commit
        ? [200, { sha: m[1], tree: { sha: commit.tree }, parents: commit.parents.map((sha) => ({ sha })), message: commit.message }]
        : notFound;
    }
    if (method === "POST" && route === "/git/blobs") {
      const content = Buffer.from(String(b.content), b.encoding === "base64" ? "base64" : "utf8");
      const sha = gitBlobSha(content);
      this.blobs.set(sha, content);
      return [201, { sha }];
    }
    if (method === "POST" && route === "/git/trees") {
      const base = this.trees.get(String(b.base_tree));
      if (!base) return [422, { message: "Invalid tree info" }];
      const entries = new Map(base);
      for (const entry of b.tree as { path: string; mode: Mode; sha: string | null }[]) {
        if (entry.sha === null) entries.delete(entry.path);
        else if (!this.blobs.has(entry.sha)) return [422, { message: "Invalid tree info" }];
        else entries.set(entry.path, { mode: entry.mode, sha: entry.sha });
      }
      return [201, { sha: this.addTree(entries) }];
    }
    if (method === "POST" && route === "/git/commits") {
      const sha = this.addCommit({ tree: String(b.tree), parents: b.parents as string[], message: String(b.message) });
      return [201, { sha }];
    }
    if (method === "POST" && route === "/git/refs") {
      if (this.refs.has(String(b.ref))) return [422, { message: "Reference already exists" }];
      this.refs.set(String(b.ref), String(b.sha));
      return [201, { ref: b.ref, object: { sha: b.sha } }];
    }
    if (method === "PATCH" && (m = /^\/git\/refs\/(.+)$/.exec(route))) {
      const ref = `refs/${m[1]}`;
      if (!this.refs.has(ref)) return [422, { message: "Reference does not exist" }];
      // Like GitHub, an unforced update must be a fast-forward: the new commit descends from the current head.
      if (b.force !== true && !this.descends(String(b.sha), this.refs.get(ref) ?? ""))
        return [422, { message: "Update is not a fast forward" }];
      this.refs.set(ref, String(b.sha));
      return [200, { ref, object: { sha: b.sha } }];
    }
    if (method === "GET" && (m = /^\/compare\/([^.]+)\.\.\.([^.]+)$/.exec(route))) {
      // A branch name stands for its head, as on GitHub.
      const [fromSha, toSha] = [m[1] ?? "", m[2] ?? ""].map((x) => this.refs.get(`refs/heads/${x}`) ?? x) as [string, string];
      if (!this.commits.has(fromSha) || !this.commits.has(toSha)) return notFound;
      const [from, to] = [this.filesOf(fromSha), this.filesOf(toSha)];
      const files = [...new Set([...from.keys(), ...to.keys()])]
        .filter((p) => from.get(p)?.content.toString("hex") !== to.get(p)?.content.toString("hex") || from.get(p)?.mode !== to.get(p)?.mode)
        .map((filename) => ({ filename, status: !from.has(filename) ? "added" : !to.has(filename) ? "removed" : "modified" }));
      if (accept.includes("diff"))
        return [
          200,
          this.unifiedDiff(
            from,
            to,
            files.map((f) => f.filename),
          ),
          { "content-type": "text/plain; charset=utf-8" },
        ];
      // GitHub lists at most 300 files.
      return [200, { status: "ahead", files: files.slice(0, 300) }];
    }
    if (method === "GET" && (m = /^\/git\/trees\/([0-9a-f]{40})$/.exec(route))) {
      // Like GitHub, a commit SHA stands for its tree here.
      const sha = this.commits.get(m[1] ?? "")?.tree ?? m[1] ?? "";
      const tree = this.trees.get(sha);
      if (!tree) return notFound;
      return [200, { sha, truncated: false, tree: [...tree].map(([path, e]) => ({ path, mode: e.mode, type: "blob", sha: e.sha })) }];
    }
    if (method === "GET" && route === "/pulls") {
      const head = url.searchParams.get("head") ?? "";
      const state = url.searchParams.get("state") ?? "open";
      const found = this.pulls.filter((p) => `${OWNER}:${p.head}` === head && (state === "all" || p.state === state));
      return [200, found.map((p) => this.pullJson(p))];
    }
    if (method === "POST" && route === "/pulls") {
      if (this.pulls.some((p) => p.head === b.head && p.state === "open")) {
        return [
          422,
          {
            message: "Validation Failed",
            errors: [{ resource: "PullRequest", code: "custom", message: `A pull request already exists for ${OWNER}:${String(b.head)}.` }],
          },
        ];
      }
      const pull: Pull = {
        number: 100 + this.pulls.length,
        node_id: `PR_${this.pulls.length}`,
        head: String(b.head),
        base: String(b.base),
        title: String(b.title),
        body: String(b.body),
        draft: b.draft === true,
        state: "open",
      };
      this.pulls.push(pull);
      return [201, this.pullJson(pull)];
    }
    if (method === "GET" && (m = /^\/pulls\/(\d+)$/.exec(route))) {
      const pull = this.pulls.find((p) => p.number === Number(m?.[1]));
      return pull ? [200, this.pullJson(pull)] : notFound;
    }
    if (method === "PATCH" && (m = /^\/pulls\/(\d+)$/.exec(route))) {
      const pull = this.pulls.find((p) => p.number === Number(m?.[1]));
      if (!pull) return notFound;
      if (typeof b.title === "string") pull.title = b.title;
      if (typeof b.body === "string") pull.body = b.body;
      return [200, this.pullJson(pull)];
    }
    if (method === "GET" && (m = /^\/commits\/([0-9a-f]{40})\/check-runs$/.exec(route))) {
      const name = url.searchParams.get("check_name");
      const runs = [...this.checkRuns]
        .map(([id, writes]) => ({ id, first: writes[0] as { name: string; head_sha: string; external_id?: string } }))
        .filter((r) => r.first.head_sha === m?.[1] && (!name || r.first.name === name))
        .map((r) => {
          const latest = Object.assign({}, ...(this.checkRuns.get(r.id) ?? [])) as { status?: string; conclusion?: string | null };
          return {
            id: r.id,
            name: r.first.name,
            head_sha: r.first.head_sha,
            external_id: r.first.external_id ?? null,
            app: WAVE_APP,
            check_suite: { id: WAVE_SUITE },
            status: latest.status ?? "queued",
            conclusion: latest.conclusion ?? null,
            output: { title: null, summary: null, annotations_count: 0 },
          };
        });
      const others = (this.ci.get(m[1] ?? "") ?? []).flatMap((suite) =>
        suite.runs.map((run) => ({ ...run, app: suite.app, check_suite: { id: suite.id } })),
      );
      const all = [...runs, ...others.filter((run) => !name || run.name === name)];
      return [200, { total_count: all.length, check_runs: all }];
    }
    if (method === "GET" && (m = /^\/commits\/([0-9a-f]{40})\/check-suites$/.exec(route))) {
      const sha = m[1] ?? "";
      const ours = [...this.checkRuns.values()].some((w) => (w[0] as { head_sha: string }).head_sha === sha);
      const suites = [
        ...(ours
          ? [{ id: WAVE_SUITE, app: WAVE_APP, status: "completed", conclusion: "action_required", latest_check_runs_count: 3 }]
          : []),
        ...(this.ci.get(sha) ?? []).map((s) => ({
          id: s.id,
          app: s.app,
          status: s.status,
          conclusion: s.conclusion,
          latest_check_runs_count: s.runs.length,
        })),
      ];
      return [200, { total_count: suites.length, check_suites: suites }];
    }
    if (method === "GET" && (m = /^\/check-runs\/(\d+)\/annotations$/.exec(route))) {
      const run = [...this.ci.values()]
        .flat()
        .flatMap((s) => s.runs)
        .find((r) => r.id === Number(m?.[1]));
      return run ? [200, run.annotations ?? []] : notFound;
    }
    if (method === "GET" && (m = /^\/actions\/jobs\/(\d+)\/logs$/.exec(route))) {
      const log = this.jobLogs.get(Number(m[1]));
      return log === undefined ? notFound : [200, log];
    }
    if (method === "GET" && (m = /^\/branches\/([^/]+)\/protection\/required_status_checks$/.exec(route))) {
      const p = this.protection.get(decodeURIComponent(m[1] ?? ""));
      if (!p) return [404, { message: "Branch not protected", documentation_url: "https://docs.github.com/rest" }];
      return [
        200,
        { url: `https://api.github.com/repos/${OWNER}/${REPO}/branches/${m[1]}/protection/required_status_checks`, strict: false, ...p },
      ];
    }
    if (method === "GET" && (m = /^\/branches\/([^/]+)$/.exec(route))) {
      const name = decodeURIComponent(m[1] ?? "");
      const sha = this.refs.get(`refs/heads/${name}`);
      if (!sha) return notFound;
      const p = this.protection.get(name);
      const url = `https://api.github.com/repos/${OWNER}/${REPO}/branches/${m[1]}`;
      return [
        200,
        {
          name,
          commit: { sha, url: `https://api.github.com/repos/${OWNER}/${REPO}/commits/${sha}` },
          _links: { html: `https://github.com/${OWNER}/${REPO}/tree/${m[1]}`, self: url },
          protected: p !== undefined,
          protection: p ? { enabled: true, required_status_checks: { enforcement_level: "non_admins", ...p } } : { enabled: false },
          protection_url: `${url}/protection`,
        },
      ];
    }
    if (method === "GET" && (m = /^\/rules\/branches\/([^/]+)$/.exec(route))) {
      const rules = (this.rulesets.get(decodeURIComponent(m[1] ?? "")) ?? []).map((checks, i) => ({
        type: "required_status_checks",
        ruleset_source_type: "Repository",
        ruleset_source: `${OWNER}/${REPO}`,
        ruleset_id: 100 + i,
        parameters: { strict_required_status_checks_policy: false, required_status_checks: checks },
      }));
      return [200, rules];
    }
    if (method === "GET" && (m = /^\/commits\/([0-9a-f]{40})\/status$/.exec(route))) {
      const statuses = (this.statuses.get(m[1] ?? "") ?? []).map((s, i) => ({ id: 600 + i, target_url: null, ...s }));
      const state = statuses.some((s) => s.state === "failure" || s.state === "error")
        ? "failure"
        : statuses.every((s) => s.state === "success")
          ? "success"
          : "pending";
      return [200, { state, sha: m[1], total_count: statuses.length, statuses }];
    }
    if (method === "POST" && route === "/check-runs") {
      const id = 5000 + this.checkRuns.size;
      this.checkRuns.set(id, [b]);
      return [201, { id }];
    }
    if (method === "PATCH" && (m = /^\/check-runs\/(\d+)$/.exec(route))) {
      const writes = this.checkRuns.get(Number(m[1]));
      if (!writes) return notFound;
      writes.push(b);
      return [200, { id: Number(m[1]) }];
    }
    if (method === "GET" && (m = /^\/pulls\/(\d+)\/reviews\/(\d+)\/comments$/.exec(route))) {
      return [200, this.reviewComments.get(Number(m[2])) ?? []];
    }
    if (method === "GET" && (m = /^\/pulls\/(\d+)\/comments$/.exec(route))) {
      const pullNumber = Number(m[1]);
      const own = this.threadReplies
        .filter((r) => r.pullNumber === pullNumber)
        .map((r) => ({ id: r.id, body: r.body, in_reply_to_id: r.commentId }));
      const theirs = [...this.reviewComments.values()].flat();
      return [200, [...[...own].reverse(), ...theirs]];
    }
    if (method === "POST" && (m = /^\/pulls\/(\d+)\/comments\/(\d+)\/replies$/.exec(route))) {
      const reply = { pullNumber: Number(m[1]), commentId: Number(m[2]), id: 90_000 + this.threadReplies.length, body: String(b.body) };
      this.threadReplies.push(reply);
      return [201, { id: reply.id, body: reply.body, in_reply_to_id: reply.commentId }];
    }
    if ((m = /^\/pulls\/(\d+)\/reviews$/.exec(route))) {
      const list = this.reviews.get(Number(m[1])) ?? [];
      this.reviews.set(Number(m[1]), list);
      if (method === "GET") return [200, list.map((r) => ({ id: r.id, body: r.body }))];
      const review = { id: 7000 + list.length, body: String(b.body), comments: b.comments };
      list.push(review);
      return [200, { id: review.id, body: review.body }];
    }
    return notFound;
  }

  /** A unified diff that replaces each changed file whole: enough for the safety policy to read. */
  private unifiedDiff(from: Map<string, { content: Buffer }>, to: Map<string, { content: Buffer }>, paths: string[]): string {
    const lines = (b: Buffer | undefined) => (b ? b.toString("utf8").replace(/\n$/, "").split("\n") : []);
    const out: string[] = [];
    for (const path of paths) {
      const [a, b] = [lines(from.get(path)?.content), lines(to.get(path)?.content)];
      out.push(
        `diff --git a/${path} b/${path}`,
        `--- ${from.has(path) ? `a/${path}` : "/dev/null"}`,
        `+++ ${to.has(path) ? `b/${path}` : "/dev/null"}`,
      );
      out.push(
        `@@ -${a.length ? 1 : 0},${a.length} +${b.length ? 1 : 0},${b.length} @@`,
        ...a.map((l) => `-${l}`),
        ...b.map((l) => `+${l}`),
      );
    }
    return `${out.join("\n")}\n`;
  }

  private pullJson(p: Pull): Record<string, unknown> {
    const headSha = this.refs.get(`refs/heads/${p.head}`) ?? "";
    return {
      number: p.number,
      node_id: p.node_id,
      html_url: `https://github.com/${OWNER}/${REPO}/pull/${p.number}`,
      draft: p.draft,
      title: p.title,
      body: p.body,
      state: p.state,
      merged: p.merged === true,
      head: { ref: p.head, sha: headSha },
    };
  }

  private graphql(b: Record<string, unknown>): [number, unknown] {
    const id = (b.variables as { id?: string } | undefined)?.id;
    const pull = this.pulls.find((p) => p.node_id === id);
    if (!pull || !String(b.query).includes("markPullRequestReadyForReview")) return [200, { errors: [{ message: "not found" }] }];
    pull.draft = false;
    return [200, { data: { markPullRequestReadyForReview: { pullRequest: { isDraft: false } } } }];
  }
}
