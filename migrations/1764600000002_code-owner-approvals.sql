-- Up Migration

-- Code owners' `/wave approve` at the review gate, per pull-request head: several owners' approvals add up
-- until every owned path is covered; a push moves the head, so earlier approvals no longer count.
CREATE TABLE code_owner_approvals (
  story_id    uuid NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
  head_sha    text NOT NULL,
  login       text NOT NULL,
  paths       text[] NOT NULL,
  approved_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (story_id, head_sha, login)
);

-- Down Migration

DROP TABLE code_owner_approvals;
