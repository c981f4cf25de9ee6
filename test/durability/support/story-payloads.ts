import { githubExample } from "../../support/webhook-examples.js";
import { storyRepository } from "../../e2e/story-github.js";
import type { Pull } from "../../support/fake-git-repo.js";

/** GitHub's example payloads, pointed at the fake's repository (id `repoId`) and installation 9. */
export function storyPayloads(repoId: number) {
  const common = () => ({ repository: storyRepository(repoId), installation: { id: 9 } });
  return {
    labeled(n: number): Record<string, unknown> {
      const p = githubExample<Record<string, unknown> & { issue: Record<string, unknown>; label: { name: string } }>("issues", "labeled");
      p.label.name = "wave";
      Object.assign(p.issue, { number: n, title: `add() subtracts (${n})`, body: "add(2, 3) returns -1.\n\n- [ ] add returns the sum\n" });
      return { ...p, ...common() };
    },
    /** The examples have no issues.closed: the labeled one with GitHub's closed fields stands in. */
    issueClosed(n: number): Record<string, unknown> {
      const p = githubExample<Record<string, unknown> & { issue: Record<string, unknown> }>("issues", "labeled");
      delete p.label;
      Object.assign(p.issue, { number: n, state: "closed", state_reason: "completed", closed_at: new Date().toISOString() });
      return { ...p, ...common(), action: "closed", sender: { login: "maintainer", type: "User" } };
    },
    merged(pull: Pull, headSha: string): Record<string, unknown> {
      const p = githubExample<Record<string, unknown> & { pull_request: Record<string, unknown> }>("pull_request", "closed");
      Object.assign(p.pull_request, {
        number: pull.number,
        merged: true,
        body: pull.body,
        head: { ...(p.pull_request.head as object), ref: pull.head, sha: headSha },
      });
      return { ...p, ...common(), number: pull.number, sender: { login: "maintainer", type: "User" } };
    },
    /** `/wave approve` from a maintainer (not the person who started the story). */
    approve(n: number, commentId: number): Record<string, unknown> {
      const p = githubExample<Record<string, unknown> & { issue: Record<string, unknown>; comment: Record<string, unknown> }>(
        "issue_comment",
        "created",
      );
      Object.assign(p.issue, { number: n, pull_request: undefined });
      delete p.issue.pull_request;
      Object.assign(p.comment, {
        id: commentId,
        body: "/wave approve",
        user: { ...(p.comment.user as object), login: "maintainer", type: "User" },
      });
      return { ...p, ...common(), sender: { login: "maintainer", type: "User" } };
    },
  };
}

/** A seeded PRNG (mulberry32): the same faults and kill moments on every run, another seed explores. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Creating writes: the ones an applied-then-502 could duplicate. */
export const CREATING_WRITE = /^POST \/repos\/[^/]+\/[^/]+\/(issues\/\d+\/comments|check-runs|pulls|pulls\/\d+\/reviews|git\/refs)$/;
