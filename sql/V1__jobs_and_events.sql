-- Training jobs: the submitted spec plus the state the server owns.
CREATE TABLE jobs (
    id          uuid        PRIMARY KEY,
    name        text        NOT NULL,
    team        text        NOT NULL,
    pool        text        NOT NULL,
    priority    integer     NOT NULL,
    spec        jsonb       NOT NULL,
    state       text        NOT NULL,
    reason      text,
    restarts    integer     NOT NULL DEFAULT 0,
    attempt     integer     NOT NULL DEFAULT 0,
    version     bigint      NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);

-- Listing is newest first, optionally filtered by one of state, team, pool.
CREATE INDEX jobs_by_created ON jobs (created_at DESC, id DESC);
CREATE INDEX jobs_by_state   ON jobs (state, created_at DESC, id DESC);
CREATE INDEX jobs_by_team    ON jobs (team, created_at DESC, id DESC);
CREATE INDEX jobs_by_pool    ON jobs (pool, created_at DESC, id DESC);

-- Every event Baton records (job transitions now; node, chip and promotion events later).
-- txid orders the pipelines' feed: a reader only sees transactions older than every one still
-- in flight, so no event can appear behind a position a reader has already passed.
CREATE TABLE events (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    txid        xid8        NOT NULL DEFAULT pg_current_xact_id(),
    type        text        NOT NULL,
    subject     text        NOT NULL,
    job_id      uuid        REFERENCES jobs (id) ON DELETE CASCADE,
    from_state  text,
    to_state    text,
    reason      text,
    actor       text        NOT NULL,
    at          timestamptz NOT NULL,
    data        jsonb
);

CREATE INDEX events_by_position ON events (txid, id);
CREATE INDEX events_by_job      ON events (job_id, id) WHERE job_id IS NOT NULL;

-- The job lifecycle's audit trail: one row per transition, written with the transition.
CREATE VIEW job_events AS
SELECT id, job_id, from_state, to_state, reason, actor, at
FROM events
WHERE type = 'job.state';

-- Idempotency-Key of creating requests: the same key and body replay the first result.
CREATE TABLE idempotency_keys (
    scope         text        NOT NULL,
    key           text        NOT NULL,
    request_hash  text        NOT NULL,
    resource_id   uuid,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (scope, key)
);

CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);

-- Secrets every replica must share (e.g. the key that signs list cursors).
CREATE TABLE cluster_secrets (
    name        text        PRIMARY KEY,
    value       bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
