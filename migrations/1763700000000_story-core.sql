-- Up Migration

-- Every webhook GitHub delivered, keyed by X-GitHub-Delivery so a redelivery is ignored.
-- The payload is kept so processing can be retried from the database after a crash.
CREATE TABLE webhook_deliveries (
  delivery_id     text PRIMARY KEY,
  event           text NOT NULL,
  action          text,
  installation_id bigint,
  repository      text,
  -- json, not jsonb: stored as received, cheaper to write on the acknowledgement path.
  payload         json NOT NULL,
  received_at     timestamptz NOT NULL DEFAULT now(),
  -- Set when the delivery was handed to the job queue (in batches, after the acknowledgement).
  queued_at       timestamptz,
  processed_at    timestamptz,
  outcome         text,
  error           text
);

CREATE INDEX webhook_deliveries_unqueued ON webhook_deliveries (received_at) WHERE queued_at IS NULL;

CREATE TABLE stories (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  installation_id   bigint NOT NULL,
  repo_id           bigint NOT NULL,
  owner             text NOT NULL,
  repo              text NOT NULL,
  issue_number      integer NOT NULL,
  started_by        text NOT NULL,
  story             jsonb NOT NULL,
  config            jsonb NOT NULL,
  -- The gate the story is at (or held at) and its coarse status, both derived
  -- from the snapshot and kept here only so they can be queried.
  gate              text NOT NULL,
  status            text NOT NULL CHECK (status IN ('active', 'held', 'killed', 'done')),
  snapshot          jsonb NOT NULL,
  machine_version   integer NOT NULL,
  version           integer NOT NULL DEFAULT 1,
  -- Stored ids and digests that make every GitHub write an upsert that skips unchanged content.
  status_comment_id bigint,
  status_comment_digest text,
  mirrored_label    text,
  -- Facts other gates add: the plan, the pull request and its head.
  plan              jsonb,
  pull_request      integer,
  head_sha          text,
  branch            text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
-- At most one live story per issue: labelling a live story again changes nothing.
CREATE UNIQUE INDEX stories_one_live_per_issue ON stories (repo_id, issue_number)
  WHERE status IN ('active', 'held');
CREATE INDEX stories_owner_status ON stories (owner, status);

-- Append-only: who did what to which story, from which gate to which.
CREATE TABLE audit_events (
  id         bigserial PRIMARY KEY,
  story_id   uuid REFERENCES stories (id),
  owner      text,
  actor      text NOT NULL,
  event      text NOT NULL,
  from_state text,
  to_state   text,
  detail     jsonb NOT NULL DEFAULT '{}'::jsonb,
  at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_events_story ON audit_events (story_id, id);
CREATE RULE audit_events_no_update AS ON UPDATE TO audit_events DO INSTEAD NOTHING;
CREATE RULE audit_events_no_delete AS ON DELETE TO audit_events DO INSTEAD NOTHING;

-- Effects written in the same transaction as the transition that caused them,
-- delivered after commit, at least once (each effect is idempotent).
CREATE TABLE outbox (
  id           bigserial PRIMARY KEY,
  story_id     uuid NOT NULL REFERENCES stories (id),
  effect       jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  attempts     integer NOT NULL DEFAULT 0,
  last_error   text
);
CREATE INDEX outbox_pending ON outbox (story_id, id) WHERE delivered_at IS NULL;

-- Organisation-wide switches such as the emergency stop.
CREATE TABLE org_controls (
  owner        text PRIMARY KEY,
  stopped      boolean NOT NULL DEFAULT false,
  stopped_by   text,
  stopped_at   timestamptz,
  reason       text
);

-- Down Migration
DROP TABLE org_controls;
DROP TABLE outbox;
DROP TABLE audit_events;
DROP TABLE stories;
DROP TABLE webhook_deliveries;
