-- Stragglers: each time a rank is found slower than its gang, one row per chip of its node's
-- placement. The rows are the chips' reputation (ChipReputation decays them by age) and, by their
-- uniqueness per job, attempt and rank, what keeps one slow episode to one job.straggler event.
CREATE TABLE chip_slowdowns (
    node     text             NOT NULL,
    chip     integer          NOT NULL,
    at       timestamptz      NOT NULL,
    factor   double precision NOT NULL,
    job_id   uuid             NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    attempt  integer          NOT NULL,
    rank     integer          NOT NULL,
    PRIMARY KEY (job_id, attempt, rank, node, chip)
);
CREATE INDEX chip_slowdowns_by_chip ON chip_slowdowns (node, chip, at);
