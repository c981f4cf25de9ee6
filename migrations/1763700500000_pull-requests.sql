-- Up Migration

-- What WAVE wrote on GitHub for a story's pull request, so every later write
-- updates in place (or skips) instead of creating again.
-- check_runs: CheckRunRecord per check name ({ "wave/gates": { id, headSha, digest, annotationsDigest, completed } }).
ALTER TABLE stories ADD COLUMN check_runs jsonb NOT NULL DEFAULT '{}'::jsonb;
-- The commit WAVE published last: a push whose head is another commit was made by someone else.
ALTER TABLE stories ADD COLUMN published_sha text;
-- GraphQL node id and draft state of the PR, for markPullRequestReadyForReview.
ALTER TABLE stories ADD COLUMN pr_node_id text;
ALTER TABLE stories ADD COLUMN pr_draft boolean;
ALTER TABLE stories ADD COLUMN pr_url text;
-- The head the reviewer agent last reviewed and what it said, so a retried job does not pay for a second review.
ALTER TABLE stories ADD COLUMN reviewed_sha text;
ALTER TABLE stories ADD COLUMN review_verdict text;
CREATE INDEX stories_pull_request ON stories (repo_id, pull_request) WHERE pull_request IS NOT NULL;

-- Down Migration
DROP INDEX stories_pull_request;
ALTER TABLE stories DROP COLUMN review_verdict;
ALTER TABLE stories DROP COLUMN reviewed_sha;
ALTER TABLE stories DROP COLUMN pr_url;
ALTER TABLE stories DROP COLUMN pr_draft;
ALTER TABLE stories DROP COLUMN pr_node_id;
ALTER TABLE stories DROP COLUMN published_sha;
ALTER TABLE stories DROP COLUMN check_runs;
