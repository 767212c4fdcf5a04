-- Issue #12: Baton's own findings (a hang, a straggler) are fault policy observations too.
-- The runner records them as occurrences not judged yet; the fault responder judges each once,
-- with the flap windows, and marks it. Occurrences read from reports are judged when recorded.
-- A node-wide occurrence (a hang, a node LOST) has chip -1.
ALTER TABLE fault_occurrences
  ADD COLUMN judged  boolean NOT NULL DEFAULT true,
  ADD COLUMN job_id  uuid,
  ADD COLUMN attempt integer;
CREATE INDEX fault_occurrences_unjudged ON fault_occurrences (id) WHERE NOT judged;
