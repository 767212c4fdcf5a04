-- Retention: old events and finished jobs are purged in batches (see docs/operations.md).

-- Finished jobs by age, for the job purge.
CREATE INDEX jobs_finished_by_age ON jobs (updated_at, id)
    WHERE state IN ('SUCCEEDED', 'FAILED', 'CANCELLED');

-- Events outlive the job they are about: the feed has its own retention, and is purged only from
-- its start, so no reader's position ever falls into a hole.
ALTER TABLE events DROP CONSTRAINT events_job_id_fkey;
ALTER TABLE events ADD CONSTRAINT events_job_id_fkey
    FOREIGN KEY (job_id) REFERENCES jobs (id) ON DELETE SET NULL;

-- Where the purged start of the feed ends: a reader whose position lies in it (an event id up to
-- max_id that is gone) continues after (txid, id).
CREATE TABLE event_purge_horizon (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    txid       xid8    NOT NULL,
    id         bigint  NOT NULL,
    max_id     bigint  NOT NULL
);

INSERT INTO event_purge_horizon (txid, id, max_id) VALUES ('0', 0, 0);

-- What keeps a finished job: a revision that serves or served one of its checkpoints.
CREATE INDEX endpoint_revisions_by_job ON endpoint_revisions (job_id);
CREATE INDEX endpoint_revisions_by_checkpoint ON endpoint_revisions (checkpoint_id);
