-- Issue #12: acting on the fault policy.
-- The signals each chip shows now (a link DOWN, an error code), so that a signal newly shown is one
-- occurrence, not one per report.
CREATE TABLE fault_signals (
  node   text        NOT NULL,
  chip   integer     NOT NULL,
  signal text        NOT NULL,
  since  timestamptz NOT NULL,
  PRIMARY KEY (node, chip, signal)
);

-- Occurrences, the history the flap windows count.
CREATE TABLE fault_occurrences (
  id     bigserial   PRIMARY KEY,
  node   text        NOT NULL,
  chip   integer     NOT NULL,
  signal text        NOT NULL,
  at     timestamptz NOT NULL
);
CREATE INDEX fault_occurrences_node_at ON fault_occurrences (node, at);

-- Chips (chip >= 0) and nodes (chip = -1) the fault policy took out of placement.
CREATE TABLE isolations (
  node          text        NOT NULL,
  chip          integer     NOT NULL,
  pool          text        NOT NULL,
  reason        text        NOT NULL,
  isolated_at   timestamptz NOT NULL,
  healthy_since timestamptz,
  held          boolean     NOT NULL DEFAULT false,
  PRIMARY KEY (node, chip)
);

-- Attempts of jobs that the fault policy asked to restart (restart-job on a chip they hold).
CREATE TABLE fault_restarts (
  job_id  uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  attempt integer     NOT NULL,
  reason  text        NOT NULL,
  at      timestamptz NOT NULL,
  PRIMARY KEY (job_id, attempt)
);
