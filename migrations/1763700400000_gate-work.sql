-- Up Migration

-- The commit a story builds on, fixed at the plan gate so every later gate sees the same tree.
ALTER TABLE stories ADD COLUMN base_sha text;
ALTER TABLE stories ADD COLUMN base_branch text;

-- The change the developer made, kept outside the sandbox the moment a build ends, so no
-- timeout, crash or reaped container can lose it; later gates rebuild the workspace from it.
CREATE TABLE story_changes (
  story_id    uuid PRIMARY KEY REFERENCES stories (id),
  base_sha    text NOT NULL,
  patch       text NOT NULL,
  -- ChangedFile[] with content as base64, as the publish gate needs it.
  files       jsonb NOT NULL,
  tool_calls  jsonb NOT NULL DEFAULT '[]'::jsonb,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE story_changes;
ALTER TABLE stories DROP COLUMN base_branch;
ALTER TABLE stories DROP COLUMN base_sha;
