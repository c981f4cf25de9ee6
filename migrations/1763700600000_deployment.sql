-- Up Migration

-- One row: this deployment's id. Replicas sharing the database share it; sandboxes are labelled
-- with it so a reaper only ever removes sandboxes of its own deployment.
CREATE TABLE wave_deployment (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  singleton  boolean NOT NULL DEFAULT true UNIQUE CHECK (singleton),
  created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO wave_deployment DEFAULT VALUES;

-- Down Migration
DROP TABLE wave_deployment;
