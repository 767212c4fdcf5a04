-- API tokens of people and pipelines. Only the SHA-256 of the secret is kept; grants are
-- [{team, role}] (an admin grant has no team). Revocation sets revoked_at; expired and revoked
-- tokens are refused at once on every replica (each request looks its token up).
CREATE TABLE api_tokens (
    id            uuid        PRIMARY KEY,
    name          text        NOT NULL,
    token_hash    bytea       NOT NULL UNIQUE,
    grants        jsonb       NOT NULL,
    created_by    text        NOT NULL,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz,
    last_used_at  timestamptz,
    revoked_at    timestamptz
);

CREATE INDEX api_tokens_by_created ON api_tokens (created_at DESC, id DESC);

-- The team an event belongs to (the job's, the endpoint's), so that lists, the feed, the stream
-- and webhooks carry only what their reader may see. Null: fleet and platform events.
ALTER TABLE events ADD COLUMN IF NOT EXISTS team text;
CREATE INDEX events_by_actor ON events (actor, id);

-- The team that owns an endpoint: the one that first promoted to it.
ALTER TABLE endpoints ADD COLUMN team text;
UPDATE endpoints e SET team = (
    SELECT j.team FROM endpoint_revisions r JOIN jobs j ON j.id = r.job_id
     WHERE r.endpoint = e.name ORDER BY r.revision LIMIT 1);
