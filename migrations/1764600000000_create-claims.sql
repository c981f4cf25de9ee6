-- Up Migration

-- A creating write to GitHub (the status comment, the reviewer's review) is claimed here before it
-- is sent. The first attempt finds no claim and sends at once, with no look-up; any later attempt
-- (a crash came between GitHub saving it and WAVE storing its id) finds the claim and looks for
-- what the first may have created, by its hidden marker, before it sends again.
CREATE TABLE create_claims (
  story_id   uuid NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
  key        text NOT NULL,
  claimed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (story_id, key)
);

-- Down Migration
DROP TABLE create_claims;
