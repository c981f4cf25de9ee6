-- Up Migration

-- One row per piece of feedback on WAVE's open pull request (a review) that sends the story back to build.
-- `queued`: waiting for the iteration in flight to finish (merged into the next one); `running`: sent as a RECYCLE;
-- `published`: its commit is on the branch (`result_sha`) and its line comments were answered; `unchanged`: the
-- attempt produced the change already on the branch, so the story held instead of answering.
CREATE TABLE story_iterations (
  id           bigserial PRIMARY KEY,
  story_id     uuid NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
  delivery_id  text NOT NULL UNIQUE,
  source       text NOT NULL,
  sender       text NOT NULL,
  role         text NOT NULL,
  review_id    bigint,
  -- The head the feedback was given on.
  head_sha     text,
  feedback     text NOT NULL,
  -- The line comments to answer in their threads: [{ id, path, line }].
  comments     jsonb NOT NULL DEFAULT '[]',
  state        text NOT NULL CHECK (state IN ('queued', 'running', 'published', 'unchanged')),
  result_sha   text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz
);
CREATE INDEX story_iterations_story ON story_iterations (story_id, id);

-- What the repository's own checks (other apps' suites) say on the story's head, for `wave/gates`.
CREATE TABLE story_head_checks (
  story_id    uuid PRIMARY KEY REFERENCES stories (id) ON DELETE CASCADE,
  head_sha    text NOT NULL,
  state       text NOT NULL CHECK (state IN ('waiting', 'passed', 'failed')),
  detail      text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE story_head_checks;
DROP TABLE story_iterations;
