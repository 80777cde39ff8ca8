-- Commits too large for one request (issue 20): a sync is `committing` while a background step
-- (the COMMITS queue) writes its version's rows in ranges. The rows carry the reserved version
-- number, so no reader sees them before the one transaction that inserts the version and moves
-- the pointer; a step replayed after it landed writes nothing (it is guarded by the cursor it
-- advances). SQLite cannot change a CHECK constraint in place, so the table is built again.
CREATE TABLE syncs_next (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  integration_id TEXT NOT NULL,
  context TEXT NOT NULL,
  set_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'committing', 'committed', 'aborted', 'expired')),
  key_name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  committed_version INTEGER,
  expected_records INTEGER,
  commit_warnings TEXT,
  schema_id TEXT,
  source_name TEXT,
  opened_schema_id TEXT,
  diff_for TEXT,
  diff TEXT,
  -- While committing: the version being written, the step reached (phase and cursor), the rows
  -- written and to write, what the step needs (JSON), and when a step last moved it.
  commit_version INTEGER,
  commit_phase TEXT,
  commit_cursor INTEGER NOT NULL DEFAULT 0,
  commit_done INTEGER NOT NULL DEFAULT 0,
  commit_total INTEGER NOT NULL DEFAULT 0,
  commit_plan TEXT,
  commit_touched_at TEXT
);
INSERT INTO syncs_next (id, tenant_id, integration_id, context, set_id, status, key_name, created_at, expires_at,
  committed_version, expected_records, commit_warnings, schema_id, source_name, opened_schema_id, diff_for, diff)
SELECT id, tenant_id, integration_id, context, set_id, status, key_name, created_at, expires_at,
  committed_version, expected_records, commit_warnings, schema_id, source_name, opened_schema_id, diff_for, diff
FROM syncs;
DROP TABLE syncs;
ALTER TABLE syncs_next RENAME TO syncs;
CREATE INDEX syncs_expiry ON syncs (status, expires_at);
-- One committing sync per dataset at most (the lock every other commit, restore and diff checks).
CREATE UNIQUE INDEX syncs_committing ON syncs (integration_id, context) WHERE status = 'committing';
