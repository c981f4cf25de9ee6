-- Up Migration

-- Every verdict of the safety gate (tool calls, plans, final diffs), append-only.
-- story_id has no foreign key on purpose: verdicts are kept even for tool calls
-- screened outside a stored story (benches, dry runs), and the safety layer does
-- not depend on the story schema.
CREATE TABLE safety_verdicts (
  id                     bigserial PRIMARY KEY,
  story_id               uuid,
  subject_kind           text NOT NULL CHECK (subject_kind IN ('tool-call', 'plan', 'diff')),
  -- sha256 of the subject, the policy context and the scorer settings: equal inputs, equal digest.
  inputs_digest          text NOT NULL CHECK (inputs_digest ~ '^[0-9a-f]{64}$'),
  rule_ids               text[] NOT NULL DEFAULT '{}',
  violations             jsonb NOT NULL DEFAULT '[]'::jsonb,
  uncertainties          jsonb NOT NULL DEFAULT '[]'::jsonb,
  scorer_status          text NOT NULL CHECK (scorer_status IN ('scored', 'unparsed', 'unavailable', 'skipped')),
  -- The scorer's validated answer, or its raw answer when it did not parse, or the error.
  scorer_answer          jsonb,
  scorer_model           text,
  score                  double precision NOT NULL CHECK (score >= 0 AND score <= 1),
  decision               text NOT NULL CHECK (decision IN ('allow', 'escalate', 'block')),
  block_below            double precision NOT NULL,
  escalate_below         double precision NOT NULL,
  -- Null when the model had no price in the table (unknown, not free).
  scoring_cost_usd       numeric(12, 8),
  scoring_input_tokens   integer NOT NULL DEFAULT 0,
  scoring_output_tokens  integer NOT NULL DEFAULT 0,
  created_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX safety_verdicts_story ON safety_verdicts (story_id, id);
CREATE INDEX safety_verdicts_digest ON safety_verdicts (inputs_digest, id);
CREATE RULE safety_verdicts_no_update AS ON UPDATE TO safety_verdicts DO INSTEAD NOTHING;
CREATE RULE safety_verdicts_no_delete AS ON DELETE TO safety_verdicts DO INSTEAD NOTHING;

-- Down Migration
DROP TABLE safety_verdicts;
