-- Soft faults: the progress protocol's optional step times, as columns, so the runner's hang
-- timeout (and straggler detection) read them without unpacking every line's JSON.
ALTER TABLE job_progress ADD COLUMN step_ms double precision;
ALTER TABLE job_progress ADD COLUMN compute_ms double precision;
