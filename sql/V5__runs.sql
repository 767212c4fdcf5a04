-- Running and recovering jobs.
-- infra_restarts: relaunches after infrastructure failures (chip FAULT, node LOST), which have
--   their own budget (baton.recovery.max-infra-restarts); restarts counts application failures.
-- steps_lost: training steps redone because of restarts (last step reached − step resumed from).
-- resume_from: the checkpoint file the next attempt resumes from (verified before it is chosen).
-- recovery_ready: a RECOVERING job whose ranks are stopped and chips released, waiting to be placed.
ALTER TABLE jobs ADD COLUMN infra_restarts integer NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN steps_lost bigint NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN resume_from text;
ALTER TABLE jobs ADD COLUMN recovery_ready boolean NOT NULL DEFAULT false;

CREATE INDEX jobs_active ON jobs (state)
    WHERE state IN ('ADMITTED', 'STARTING', 'RUNNING', 'RECOVERING', 'CANCELLING');
