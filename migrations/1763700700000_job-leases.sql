-- Up Migration

-- The heartbeat of each running job: its worker renews `renewed_at` every few seconds. A job
-- whose lease went stale (the worker was SIGKILLed, OOM-killed, lost its host) is taken over by
-- any replica's sweep within the lease, instead of after the queue's whole expiry.
CREATE TABLE job_leases (
  job_id     uuid PRIMARY KEY,
  queue      text NOT NULL,
  worker     text NOT NULL,
  renewed_at timestamptz NOT NULL DEFAULT now()
);

-- An effect that can never succeed (a permanent 403, a deleted comment…) is dead-lettered: kept
-- with its reason, shown to the user, and no longer in front of the rest of the outbox.
ALTER TABLE outbox ADD COLUMN failed_at timestamptz;
DROP INDEX outbox_pending;
CREATE INDEX outbox_pending ON outbox (story_id, id) WHERE delivered_at IS NULL AND failed_at IS NULL;

-- Down Migration
DROP INDEX outbox_pending;
CREATE INDEX outbox_pending ON outbox (story_id, id) WHERE delivered_at IS NULL;
ALTER TABLE outbox DROP COLUMN failed_at;
DROP TABLE job_leases;
