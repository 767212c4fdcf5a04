-- Webhook subscriptions: an http(s) URL hears about the events whose type matches a pattern.
-- secret: HMAC-SHA256 key of the signatures (kept, since every delivery is signed with it).
-- start_snapshot: which transactions had finished when the subscription was created; it receives
--   exactly the events of the others, i.e. of transactions that commit after it exists.
CREATE TABLE webhooks (
    id              uuid        PRIMARY KEY,
    url             text        NOT NULL,
    events          text[]      NOT NULL,
    description     text,
    secret          text        NOT NULL,
    start_snapshot  pg_snapshot NOT NULL DEFAULT pg_current_snapshot(),
    created_at      timestamptz NOT NULL
);

CREATE INDEX webhooks_by_created ON webhooks (created_at, id);

-- One row per (subscription, event): the unit of retry. id is the Baton-Delivery header, the same on
-- every attempt. body is the exact JSON sent, fixed at dispatch (the event may later be deleted).
-- claim: the sender attempt that holds the row; next_attempt_at doubles as its lease, so a
--   delivery whose sender died is retried once the lease runs out.
-- Deleting a subscription deletes its deliveries, which stops the pending ones.
CREATE TABLE webhook_deliveries (
    id               uuid        PRIMARY KEY,
    webhook_id       uuid        NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id         bigint      NOT NULL,
    event_type       text        NOT NULL,
    body             text        NOT NULL,
    state            text        NOT NULL CHECK (state IN ('PENDING', 'DELIVERED', 'FAILED')),
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz,
    claim            uuid,
    last_status      integer,
    last_error       text,
    last_attempt_at  timestamptz,
    delivered_at     timestamptz,
    created_at       timestamptz NOT NULL,
    UNIQUE (webhook_id, event_id)
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'PENDING';
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, created_at DESC, id DESC);
CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (created_at) WHERE state <> 'PENDING';

-- The dispatcher's place in the event feed: one row, moved in the transaction that writes the
-- deliveries of the events it passes. NULL until the first dispatch, which starts at the head.
CREATE TABLE webhook_dispatch_cursor (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    txid       bigint,
    event_id   bigint
);

INSERT INTO webhook_dispatch_cursor DEFAULT VALUES;
