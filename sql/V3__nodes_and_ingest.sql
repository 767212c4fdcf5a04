-- Nodes of every pool, as their agents last reported them.
-- chip_health holds one letter per chip in index order (O=OK, W=WARNING, F=FAULT, U=UNKNOWN):
-- the normalized health the scheduler trusts; chip_indexes the chips' vendor indexes (NPU id or
-- GPU index) in the same order; chips holds the raw vendor fields of the last report.
CREATE TABLE nodes (
    name            text        PRIMARY KEY,
    pool            text        NOT NULL,
    state           text        NOT NULL DEFAULT 'NEW',
    health          text        NOT NULL DEFAULT 'UNKNOWN',
    vendor          text,
    boot_id         uuid,
    last_seq        bigint      NOT NULL DEFAULT -1,
    last_report_at  timestamptz,
    chips           jsonb       NOT NULL DEFAULT '[]',
    chip_health     text        NOT NULL DEFAULT '',
    chip_indexes    integer[]   NOT NULL DEFAULT '{}',
    chips_total     integer     NOT NULL DEFAULT 0,
    chips_ok        integer     NOT NULL DEFAULT 0,
    chips_warning   integer     NOT NULL DEFAULT 0,
    chips_fault     integer     NOT NULL DEFAULT 0,
    chips_unknown   integer     NOT NULL DEFAULT 0,
    malformed_lines bigint      NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);

CREATE INDEX nodes_by_pool ON nodes (pool, name);
CREATE INDEX nodes_ready_by_report ON nodes (last_report_at) WHERE state = 'READY';

-- Bearer tokens of node agents; only a SHA-256 of each token is kept.
CREATE TABLE node_tokens (
    id          uuid        PRIMARY KEY,
    node        text        NOT NULL REFERENCES nodes (name) ON DELETE CASCADE,
    token_hash  bytea       NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);

CREATE INDEX node_tokens_by_node ON node_tokens (node);

-- Training progress samples, thinned per job so the series stays bounded.
CREATE TABLE job_progress (
    job_id          uuid             NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    seq             bigint           GENERATED ALWAYS AS IDENTITY,
    step            bigint           NOT NULL,
    total_steps     bigint,
    loss            double precision,
    samples_per_sec double precision,
    rank            integer          NOT NULL,
    attempt         integer,
    node            text,
    at              timestamptz      NOT NULL,
    data            jsonb            NOT NULL,
    PRIMARY KEY (job_id, seq)
);

CREATE INDEX job_progress_by_step ON job_progress (job_id, step, seq);
-- A restarted agent reads its progress files again from the start; the same line is kept once.
CREATE UNIQUE INDEX job_progress_once ON job_progress (job_id, coalesce(attempt, 0), rank, step);

-- Checkpoints that ranks reported; one per job and step.
CREATE TABLE checkpoints (
    id          uuid        PRIMARY KEY,
    job_id      uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    step        bigint      NOT NULL,
    path        text        NOT NULL,
    format      text,
    sha256      text,
    size_bytes  bigint,
    metrics     jsonb,
    golden      text,
    rank        integer     NOT NULL,
    attempt     integer,
    node        text,
    reported_at timestamptz NOT NULL,
    data        jsonb       NOT NULL,
    UNIQUE (job_id, step)
);

-- What a dashboard shows of a job without reading the series: the latest sample and checkpoint.
ALTER TABLE jobs ADD COLUMN progress jsonb;
ALTER TABLE jobs ADD COLUMN latest_checkpoint jsonb;
