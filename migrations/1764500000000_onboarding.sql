-- Up Migration

-- Installations WAVE has seen, and whether GitHub suspended or removed them.
CREATE TABLE wave_installations (
  id                   bigint PRIMARY KEY,
  account_login        text NOT NULL,
  account_type         text NOT NULL,
  repository_selection text NOT NULL,
  -- The organisation's trigger label when it was installed (its .github repository's wave.yml), for the labels of new repositories.
  trigger_label        text NOT NULL,
  created_at           timestamptz NOT NULL DEFAULT now(),
  suspended_at         timestamptz,
  deleted_at           timestamptz
);

-- One row per repository to onboard: the labels WAVE needs are created once, by one queued job.
-- `done_at` set means finished (labels created or found, or the repository skipped as archived).
CREATE TABLE wave_onboarding (
  repository_id   bigint PRIMARY KEY,
  installation_id bigint NOT NULL,
  owner           text NOT NULL,
  repo            text NOT NULL,
  node_id         text,
  trigger_label   text NOT NULL,
  queued_at       timestamptz NOT NULL DEFAULT now(),
  done_at         timestamptz,
  outcome         text,
  labels_created  text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX wave_onboarding_installation ON wave_onboarding (installation_id);

-- Repositories taken out of an installation (installation_repositories.removed): no GitHub request is made for their stories.
CREATE TABLE wave_removed_repositories (
  repository_id   bigint PRIMARY KEY,
  installation_id bigint NOT NULL,
  removed_at      timestamptz NOT NULL DEFAULT now()
);

-- When each content-creating request to GitHub was (or will be) sent, per installation: the pacer
-- keeps these under GitHub's secondary limits across replicas.
CREATE TABLE wave_content_requests (
  installation_id bigint NOT NULL,
  at              timestamptz NOT NULL
);
CREATE INDEX wave_content_requests_at ON wave_content_requests (installation_id, at);

-- The wave/config check run written per repository, commit and file, so a retried job updates it instead of adding another.
CREATE TABLE wave_config_checks (
  repository_id bigint NOT NULL,
  head_sha      text NOT NULL,
  path          text NOT NULL,
  record        jsonb NOT NULL,
  PRIMARY KEY (repository_id, head_sha, path)
);

-- Down Migration
DROP TABLE wave_removed_repositories;
DROP TABLE wave_config_checks;
DROP TABLE wave_content_requests;
DROP TABLE wave_onboarding;
DROP TABLE wave_installations;
