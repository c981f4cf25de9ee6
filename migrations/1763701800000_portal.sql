-- Up Migration

-- Portal sign-in sessions. The cookie carries only the id and its HMAC; the GitHub user token
-- stays here, so signing out (or expiry) ends it on the server, not just in the browser.
CREATE TABLE portal_sessions (
  id          text PRIMARY KEY,
  login       text NOT NULL,
  token       text NOT NULL,
  csrf        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL
);
CREATE INDEX portal_sessions_expiry ON portal_sessions (expires_at);

-- Keyset pagination of the story list, newest first.
CREATE INDEX stories_created_id ON stories (created_at DESC, id DESC);
-- The same order within one repository (the `repository` filter compares names case-insensitively).
CREATE INDEX stories_repo_created_id ON stories (lower(owner), lower(repo), created_at DESC, id DESC);

-- Every change to a story (any replica, any writer) is announced on `wave_story`, so open portal
-- pages learn of it from Postgres itself instead of from whichever process made it.
CREATE FUNCTION wave_notify_story() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('wave_story', json_build_object('id', NEW.id, 'owner', NEW.owner, 'repo_id', NEW.repo_id, 'version', NEW.version)::text);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER stories_notify AFTER INSERT OR UPDATE ON stories FOR EACH ROW EXECUTE FUNCTION wave_notify_story();

-- Down Migration
DROP TRIGGER stories_notify ON stories;
DROP FUNCTION wave_notify_story();
DROP INDEX stories_repo_created_id;
DROP INDEX stories_created_id;
DROP TABLE portal_sessions;
