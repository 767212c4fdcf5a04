-- Webhooks owned by teams, secrets encrypted at rest, delivery records without error text.

-- team: the owning team; its subscription hears only events of that team and counts towards its
--   cap (baton.webhooks.max-per-team). NULL: created by an administrator, hears every event.
ALTER TABLE webhooks ADD COLUMN team text;
CREATE INDEX webhooks_by_team ON webhooks (team);
-- Subscriptions made before identities existed were anyone's: they must not become admin ones
-- that hear every team. They go to a team no event can have (team names are DNS labels), so they
-- hear nothing; admins see them and delete or re-create them for a team.
UPDATE webhooks SET team = 'unclaimed:before-identities';

-- The team an event belongs to (NULL: no team's alone). The migration that introduces teams adds it
-- too, hence IF NOT EXISTS.
ALTER TABLE events ADD COLUMN IF NOT EXISTS team text;

-- secret is now 'gcm:<key id>:<base64 nonce|ciphertext|tag>' (AES-256-GCM, see SecretBox). Rows
-- stored before are marked 'plain:<secret>' so that no stored value is ambiguous; the orchestrator
-- seals them with its key at start.
UPDATE webhooks SET secret = 'plain:' || secret;

-- last_error now holds a coarse outcome slug, never error text (which could tell a refused
-- connection from a timeout, i.e. map a network). Replace what older versions wrote.
UPDATE webhook_deliveries
   SET last_error = CASE WHEN last_status IS NOT NULL THEN 'http-error' ELSE 'unreachable' END
 WHERE last_error IS NOT NULL;
