-- Moving a tenant to another data database (issue 21). In DB: the move, its phase and what it
-- copies; the tenant's writes are refused while it copies, and the placement switches in one
-- statement once the copy is verified. In the target data database: how far the copy has got,
-- written in the same transaction as each page it copies, so a step run twice copies nothing twice.
CREATE TABLE tenant_moves (
  tenant_id TEXT PRIMARY KEY,
  source TEXT NOT NULL,
  target TEXT NOT NULL,
  phase TEXT NOT NULL CHECK (phase IN ('copy', 'verify', 'clear-retry', 'rollback', 'cleanup', 'done', 'rolled-back')),
  attempts INTEGER NOT NULL DEFAULT 0,
  units TEXT NOT NULL,
  records INTEGER,
  error TEXT,
  started_at TEXT NOT NULL,
  touched_at TEXT NOT NULL,
  switched_at TEXT,
  finished_at TEXT
);

CREATE TABLE move_cursors (
  tenant_id TEXT PRIMARY KEY,
  unit INTEGER NOT NULL,
  after INTEGER NOT NULL
);
