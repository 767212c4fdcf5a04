-- Issue #13: one owner at a time for the loops that must not run twice (the job runner, the
-- promotion and endpoint runners, the fault responder, the node fencer).
-- A lease is held by one replica until expires_at (the database's clock, never a replica's). Every
-- acquisition by a replica that did not hold it live increments token, the fencing token: writes
-- made by the owner's loops carry (holder, token) and are refused once another replica took over.
CREATE TABLE leases (
  name       text        PRIMARY KEY,
  holder     text,
  token      bigint      NOT NULL DEFAULT 0,
  renewed_at timestamptz,
  expires_at timestamptz NOT NULL DEFAULT '-infinity'
);

INSERT INTO leases (name) VALUES ('baton-orchestrator');
