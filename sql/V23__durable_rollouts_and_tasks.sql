-- Rollouts as a durable state machine: where a rollout is within its state, so a restarted (or
-- another) orchestrator goes on from there instead of from the canary.
--   position:        replicas of the new revision asked for so far (1 in CANARY, all in SCALING)
--   wait_started_at: when the current wait for readiness began (timeouts count from it)
ALTER TABLE rollouts ADD COLUMN position        integer     NOT NULL DEFAULT 0;
ALTER TABLE rollouts ADD COLUMN wait_started_at timestamptz;

-- Row-level claims instead of session advisory locks: the orchestrator driving a rollout or a
-- promotion renews its claim at each step and holds no database connection between steps; a claim
-- not renewed by claimed_until can be taken by another orchestrator.
ALTER TABLE rollouts   ADD COLUMN claimed_by    text;
ALTER TABLE rollouts   ADD COLUMN claimed_until timestamptz;
ALTER TABLE promotions ADD COLUMN claimed_by    text;
ALTER TABLE promotions ADD COLUMN claimed_until timestamptz;

-- Slow work taken out of the loops (hashing checkpoints for a recovery, ...): a loop starts a task
-- and reads its result on a later pass. One task per (kind, subject); a RUNNING task whose owner
-- is gone (claimed_until passed) is started again by the next orchestrator that asks for it.
CREATE TABLE tasks (
    id             uuid        PRIMARY KEY,
    kind           text        NOT NULL,
    subject        text        NOT NULL,
    state          text        NOT NULL,    -- RUNNING | SUCCEEDED | FAILED
    attempts       integer     NOT NULL DEFAULT 1,
    result         jsonb,
    error          text,
    claimed_by     text,
    claimed_until  timestamptz,
    started_at     timestamptz NOT NULL,
    finished_at    timestamptz,
    UNIQUE (kind, subject)
);
CREATE INDEX tasks_running ON tasks (claimed_until) WHERE state = 'RUNNING';
