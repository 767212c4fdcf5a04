-- Chips held by jobs. The primary key is what keeps two orchestrators from booking one chip twice:
-- a placement is committed (its chips inserted here and the job ADMITTED) before anything launches.
CREATE TABLE allocations (
    node          text        NOT NULL REFERENCES nodes (name),
    chip          integer     NOT NULL,
    job_id        uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    attempt       integer     NOT NULL,
    pool          text        NOT NULL,
    team          text        NOT NULL,
    allocated_at  timestamptz NOT NULL,
    PRIMARY KEY (node, chip)
);

CREATE INDEX allocations_by_job ON allocations (job_id);

-- The value of the pool's topology label on the node; nodes of one group talk fast to each other.
ALTER TABLE nodes ADD COLUMN topology_group text;

-- Where the current attempt runs: [{"node": "...", "chips": [0, 1, ...]}].
ALTER TABLE jobs ADD COLUMN placement jsonb NOT NULL DEFAULT '[]';
-- When the job (last) started waiting for chips; orders the queue and starts reservations.
ALTER TABLE jobs ADD COLUMN queued_at timestamptz;
-- Why a waiting job waits, in words; written by the scheduler.
ALTER TABLE jobs ADD COLUMN pending_reason text;
-- Nodes a job must avoid (after faults there).
ALTER TABLE jobs ADD COLUMN excluded_nodes text[] NOT NULL DEFAULT '{}';
