import { defaultConfig } from "../../src/config/schema.js";
import { withTransaction, type Pool } from "../../src/store/db.js";
import { insertStory } from "../../src/store/stories.js";
import { startStory } from "../../src/story/transition.js";

export interface SeedOptions {
  count: number;
  /** Stories are spread over this many repositories, ids `firstRepoId`…, named `<owner>/repo-<n>`. */
  repositories: number;
  firstRepoId: number;
  owner: string;
  installationId: number;
}

/**
 * Many stories at once, for pagination tests and the portal bench: one real
 * story (through the pure statechart) copied with `generate_series`, with
 * statuses cycling active/held/killed/done and one second between creations.
 */
export async function seedStories(pool: Pool, o: SeedOptions): Promise<void> {
  const config = defaultConfig();
  const start = startStory({ startedBy: "seed", maxRecycles: 2, requirePlanApproval: false });
  await withTransaction(pool, async (tx) => {
    const template = await insertStory(tx, {
      installationId: o.installationId,
      repoId: o.firstRepoId,
      owner: o.owner,
      repo: "repo-0",
      issueNumber: 0,
      startedBy: "seed",
      story: { title: "Seeded story", body: "", acceptanceCriteria: [], domains: [], issueNumber: 0, url: "" },
      config,
      gate: "plan",
      status: "killed",
      snapshot: start.snapshot,
    });
    if (!template) throw new Error("could not insert the template story");
    await tx.query(
      `INSERT INTO stories (installation_id, repo_id, owner, repo, issue_number, started_by, story, config, gate, status, snapshot, machine_version, created_at, updated_at)
       SELECT installation_id, $2::bigint + (g % $3), owner, 'repo-' || (g % $3), g, started_by, jsonb_set(story, '{title}', to_jsonb('Seeded story ' || g)), config, gate,
              (ARRAY['active', 'held', 'killed', 'done'])[1 + g % 4], snapshot, machine_version, now() - g * interval '1 second', now() - g * interval '1 second'
       FROM stories, generate_series(1, $4::int) g WHERE id = $1`,
      [template.id, o.firstRepoId, o.repositories, o.count - 1],
    );
  });
}
