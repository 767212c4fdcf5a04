-- The goodput ledger (docs/design.md, "Goodput ledger").

-- Every attempt of every job: the chips it held and when, how it ended. The jobs table only knows
-- the current attempt, and allocations are deleted at release, so this history is written by a
-- trigger on jobs, from the same row updates the lifecycle makes (one place, whatever path admits
-- or releases a job). Times are the lifecycle's own (jobs.updated_at), the clock its events carry.
-- chips:              chips of the placement the attempt was admitted to
-- admitted_at:        when it was admitted (chips held from then on)
-- resumed_from_step:  step of the checkpoint it resumes from (0: from scratch)
-- failed_at, cause:   when it went to RECOVERING, and why (null: it did not fail)
-- released_at:        when its chips were released (null: held now)
CREATE TABLE job_attempts (
    job_id             uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    attempt            integer     NOT NULL,
    pool               text        NOT NULL,
    team               text        NOT NULL,
    chips              integer     NOT NULL,
    admitted_at        timestamptz NOT NULL,
    resumed_from_step  bigint      NOT NULL DEFAULT 0,
    failed_at          timestamptz,
    cause              text,
    released_at        timestamptz,
    PRIMARY KEY (job_id, attempt)
);

CREATE FUNCTION goodput_record_attempt() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.attempt > OLD.attempt THEN
        INSERT INTO job_attempts (job_id, attempt, pool, team, chips, admitted_at,
                                  resumed_from_step)
        VALUES (NEW.id, NEW.attempt, NEW.pool, NEW.team,
                (SELECT coalesce(sum(jsonb_array_length(p -> 'chips')), 0)
                   FROM jsonb_array_elements(NEW.placement) p),
                NEW.updated_at,
                coalesce((SELECT max(c.step) FROM checkpoints c
                           WHERE c.job_id = NEW.id AND NEW.resume_from IS NOT NULL
                             AND (NEW.resume_from = c.path
                                  OR right(NEW.resume_from, length(c.path) + 1) = '/' || c.path)),
                         0))
        ON CONFLICT (job_id, attempt) DO NOTHING;
    END IF;
    IF NEW.state = 'RECOVERING' AND OLD.state IS DISTINCT FROM 'RECOVERING' THEN
        UPDATE job_attempts SET failed_at = NEW.updated_at, cause = NEW.reason
         WHERE job_id = NEW.id AND attempt = NEW.attempt AND failed_at IS NULL;
    END IF;
    -- Chips are released when a recovering job is made ready to resume, or when it ends.
    IF (NEW.recovery_ready AND NOT OLD.recovery_ready)
       OR (NEW.state IN ('SUCCEEDED', 'FAILED', 'CANCELLED')
           AND OLD.state NOT IN ('SUCCEEDED', 'FAILED', 'CANCELLED')) THEN
        UPDATE job_attempts SET released_at = NEW.updated_at
         WHERE job_id = NEW.id AND attempt = NEW.attempt AND released_at IS NULL;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER jobs_goodput_attempts
    AFTER UPDATE ON jobs
    FOR EACH ROW
    WHEN (OLD.attempt IS DISTINCT FROM NEW.attempt
          OR OLD.state IS DISTINCT FROM NEW.state
          OR OLD.recovery_ready IS DISTINCT FROM NEW.recovery_ready)
    EXECUTE FUNCTION goodput_record_attempt();

-- The attempts holding chips when the ledger was installed (their earlier attempts are unknown).
INSERT INTO job_attempts (job_id, attempt, pool, team, chips, admitted_at)
SELECT a.job_id, a.attempt, min(a.pool), min(a.team), count(*), min(a.allocated_at)
  FROM allocations a
 GROUP BY a.job_id, a.attempt
ON CONFLICT DO NOTHING;

-- Finished jobs, accounted once (by whichever replica claims them first): what they cost, per
-- UTC day and kind. Kept when retention purges the job: the ledger is history.
CREATE TABLE goodput_jobs (
    job_id       uuid        PRIMARY KEY,
    pool         text        NOT NULL,
    team         text        NOT NULL,
    accounted_at timestamptz NOT NULL
);

-- kind: productive, redone, recovery, stalled (chip-seconds) or queued (job-seconds).
CREATE TABLE goodput_days (
    job_id   uuid             NOT NULL REFERENCES goodput_jobs (job_id) ON DELETE CASCADE,
    day      date             NOT NULL,
    kind     text             NOT NULL,
    pool     text             NOT NULL,
    team     text             NOT NULL,
    amount   double precision NOT NULL,
    PRIMARY KEY (job_id, day, kind)
);

CREATE INDEX goodput_days_by_day ON goodput_days (day, pool, team);

-- Jobs that had finished before the ledger existed are not accounted: their attempts are unknown.
INSERT INTO goodput_jobs (job_id, pool, team, accounted_at)
SELECT id, pool, team, now() FROM jobs WHERE state IN ('SUCCEEDED', 'FAILED', 'CANCELLED');
