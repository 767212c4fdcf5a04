-- Checkpoint registry: what became of each reported checkpoint.
-- verified: null until its file was hashed (by a VERIFYING gate or when chosen to resume from);
--   then whether sha256 and size matched what the rank reported.
-- promoted: a revision of some endpoint serves (or served) it; retention never deletes it.
-- deleted_at/deleted_reason: retention removed its files through the backend.
ALTER TABLE checkpoints ADD COLUMN verified boolean;
ALTER TABLE checkpoints ADD COLUMN verified_at timestamptz;
ALTER TABLE checkpoints ADD COLUMN promoted boolean NOT NULL DEFAULT false;
ALTER TABLE checkpoints ADD COLUMN deleted_at timestamptz;
ALTER TABLE checkpoints ADD COLUMN deleted_reason text;

-- Succeeded jobs with a promotion block, the ones a promotion may still have to start for.
CREATE INDEX jobs_promotable ON jobs (updated_at)
    WHERE state = 'SUCCEEDED' AND (spec -> 'promotion') IS NOT NULL;

-- A named inference service on an INFERENCE pool. current_revision is what serves now;
-- state: EMPTY (nothing promoted yet), ACTIVE, ROLLING_OUT.
CREATE TABLE endpoints (
    name              text        PRIMARY KEY,
    pool              text        NOT NULL,
    state             text        NOT NULL,
    desired_replicas  integer     NOT NULL,
    current_revision  integer,
    version           bigint      NOT NULL DEFAULT 0,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL
);

-- One revision per promoted checkpoint; artifact is the file replicas load (the checkpoint's
-- weights, or what the converter made of them), golden the checkpoint's golden set.
CREATE TABLE endpoint_revisions (
    endpoint       text        NOT NULL REFERENCES endpoints (name),
    revision       integer     NOT NULL,
    checkpoint_id  uuid        NOT NULL REFERENCES checkpoints (id),
    job_id         uuid        NOT NULL REFERENCES jobs (id),
    promotion_id   uuid,
    artifact       text        NOT NULL,
    golden         text,
    sha256         text,
    parity         jsonb,
    created_at     timestamptz NOT NULL,
    PRIMARY KEY (endpoint, revision)
);

-- Every change of what an endpoint serves: a promotion's rollout or a rollback, canary first.
-- state: PENDING → CANARY → SCALING → SUCCEEDED | ROLLED_BACK.
CREATE TABLE rollouts (
    id             uuid        PRIMARY KEY,
    endpoint       text        NOT NULL REFERENCES endpoints (name),
    revision       integer     NOT NULL,
    from_revision  integer,
    kind           text        NOT NULL,
    promotion_id   uuid,
    state          text        NOT NULL,
    reason         text,
    evidence       jsonb       NOT NULL DEFAULT '{}',
    actor          text        NOT NULL,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    ended_at       timestamptz,
    FOREIGN KEY (endpoint, revision) REFERENCES endpoint_revisions (endpoint, revision)
);

-- At most one rollout of an endpoint in flight.
CREATE UNIQUE INDEX rollouts_one_in_flight ON rollouts (endpoint)
    WHERE state IN ('PENDING', 'CANARY', 'SCALING');
CREATE INDEX rollouts_by_endpoint ON rollouts (endpoint, created_at DESC);

-- Moving one checkpoint onto an endpoint through gates. gates: [{name, verdict, evidence,
-- startedAt, endedAt}] in the order they ran; policy: the gates' settings when it started.
CREATE TABLE promotions (
    id             uuid        PRIMARY KEY,
    job_id         uuid        NOT NULL REFERENCES jobs (id),
    checkpoint_id  uuid        REFERENCES checkpoints (id),
    endpoint       text        NOT NULL,
    state          text        NOT NULL,
    trigger        text        NOT NULL,
    policy         jsonb       NOT NULL,
    gates          jsonb       NOT NULL DEFAULT '[]',
    revision       integer,
    rollout_id     uuid,
    artifact       text,
    reason         text,
    actor          text        NOT NULL,
    version        bigint      NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    ended_at       timestamptz
);

-- A job's success starts at most one promotion.
CREATE UNIQUE INDEX promotions_one_per_job_success ON promotions (job_id) WHERE trigger = 'job';
CREATE INDEX promotions_in_flight ON promotions (created_at)
    WHERE state NOT IN ('ACTIVE', 'REJECTED', 'ROLLED_BACK');
CREATE INDEX promotions_by_job ON promotions (job_id, created_at DESC);
CREATE INDEX promotions_by_endpoint ON promotions (endpoint, created_at DESC);
