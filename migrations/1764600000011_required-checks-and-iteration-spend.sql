-- Up Migration

-- The checks branch protection and rulesets require for the story's base branch, read once per head
-- (src/github/required-checks.ts): { readable, why, checks: [{ context, appId }] }; NULL until read.
ALTER TABLE story_head_checks ADD COLUMN required jsonb;

-- Which iteration a model call belongs to (story_iterations.id; NULL = the story's first build),
-- so wave/budget shows the spend per iteration.
ALTER TABLE model_calls ADD COLUMN iteration_id bigint;
-- A short line saying what started an iteration ("CI: `test`"), for wave/budget; NULL falls back to its source.
ALTER TABLE story_iterations ADD COLUMN trigger text;

-- Down Migration
ALTER TABLE story_iterations DROP COLUMN trigger;
ALTER TABLE model_calls DROP COLUMN iteration_id;
ALTER TABLE story_head_checks DROP COLUMN required;
