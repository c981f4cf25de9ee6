-- Up Migration

-- The base branch head WAVE's last published commit sat on. When the story's base moves (docs/iteration.md, a
-- moved base), the next commit is a merge of that head and the new base head, so the PR's history keeps the
-- reviewed commits and its diff shows only WAVE's change; NULL for stories published before this column.
ALTER TABLE stories ADD COLUMN published_base_sha text;

-- The pull request head somebody else pushed that the kept change was built from (its files replaced the base's
-- in the workspace, so the change holds their commits and WAVE's): the publish stacks on it, a fast-forward.
ALTER TABLE story_changes ADD COLUMN built_on_head text;

-- Down Migration

ALTER TABLE story_changes DROP COLUMN built_on_head;
ALTER TABLE stories DROP COLUMN published_base_sha;
