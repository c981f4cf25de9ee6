-- Up Migration

-- Slack notifications: written in the transaction of the change they tell about, sent after
-- commit by the notifier, once each (`key` is unique), apart from the story outbox so a Slack
-- outage never holds up a story's own effects.
CREATE TABLE notifications (
  id              bigserial PRIMARY KEY,
  key             text NOT NULL UNIQUE,
  story_id        uuid,
  owner           text NOT NULL,
  event           text NOT NULL,
  severity        text NOT NULL,
  -- The environment variable naming the channel's webhook; the URL itself is never stored.
  webhook_env     text NOT NULL,
  text            text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  attempts        integer NOT NULL DEFAULT 0,
  last_error      text,
  sent_at         timestamptz
);
CREATE INDEX notifications_pending ON notifications (next_attempt_at) WHERE sent_at IS NULL;

-- Down Migration
DROP TABLE notifications;
