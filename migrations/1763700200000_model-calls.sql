-- Up Migration

-- Every model call a story makes, for the budget guard and the audit. A row is
-- written as a reservation of the call's worst case before the call is made,
-- then settled with the real usage; a reservation that never settles (a crash
-- mid-call) keeps counting its worst case, so the cap holds across restarts.
-- No foreign key to stories: the ledger outlives whatever happens to a story row.
CREATE TABLE model_calls (
  id                 bigserial PRIMARY KEY,
  story_id           uuid NOT NULL,
  repo_id            bigint NOT NULL,
  role               text NOT NULL,
  model              text NOT NULL,
  status             text NOT NULL CHECK (status IN ('reserved', 'settled', 'failed')),
  worst_case_usd     numeric(14, 6) NOT NULL,
  cost_usd           numeric(14, 6),
  input_tokens       integer NOT NULL DEFAULT 0,
  output_tokens      integer NOT NULL DEFAULT 0,
  cache_write_tokens integer NOT NULL DEFAULT 0,
  cache_read_tokens  integer NOT NULL DEFAULT 0,
  latency_ms         integer,
  error              text,
  at                 timestamptz NOT NULL DEFAULT now(),
  settled_at         timestamptz
);
CREATE INDEX model_calls_story ON model_calls (story_id, id);
CREATE INDEX model_calls_repo_month ON model_calls (repo_id, at);

-- A budget-raise event lifts one story's cap above the configured one.
CREATE TABLE story_budget_raises (
  id         bigserial PRIMARY KEY,
  story_id   uuid NOT NULL,
  amount_usd numeric(14, 6) NOT NULL CHECK (amount_usd > 0),
  actor      text NOT NULL,
  at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX story_budget_raises_story ON story_budget_raises (story_id);

-- Down Migration

DROP TABLE story_budget_raises;
DROP TABLE model_calls;
