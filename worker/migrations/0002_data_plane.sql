-- Datasets as versioned record sets. A dataset's current version is a pointer (datasets), so a
-- commit or a restore is one small write, never a copy of the records.

-- A stored set of records (one per submit or sync). Invisible until a version points to it.
CREATE TABLE record_sets (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  integration_id TEXT NOT NULL,
  context TEXT NOT NULL,
  record_count INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);

CREATE TABLE records (
  set_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  record_key TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (set_id, seq, idx)
);
CREATE INDEX records_key ON records (set_id, record_key);

CREATE TABLE versions (
  tenant_id TEXT NOT NULL,
  integration_id TEXT NOT NULL,
  context TEXT NOT NULL,
  version INTEGER NOT NULL,
  set_id TEXT NOT NULL,
  record_count INTEGER NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('submit', 'sync', 'restore')),
  source_id TEXT NOT NULL UNIQUE,
  key_name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (integration_id, context, version)
);

CREATE TABLE datasets (
  tenant_id TEXT NOT NULL,
  integration_id TEXT NOT NULL,
  context TEXT NOT NULL,
  current_version INTEGER NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (integration_id, context)
);

CREATE TABLE syncs (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  integration_id TEXT NOT NULL,
  context TEXT NOT NULL,
  set_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'committed', 'aborted', 'expired')),
  key_name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  committed_version INTEGER
);
CREATE INDEX syncs_expiry ON syncs (status, expires_at);

CREATE TABLE sync_batches (
  sync_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  payload_hash TEXT NOT NULL,
  record_count INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (sync_id, seq)
);

CREATE TABLE ingestions (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  integration_id TEXT NOT NULL,
  context TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('validate', 'submit', 'batch', 'commit', 'abort', 'restore')),
  outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failure')),
  record_count INTEGER NOT NULL DEFAULT 0,
  error_count INTEGER NOT NULL DEFAULT 0,
  warning_count INTEGER NOT NULL DEFAULT 0,
  detail TEXT,
  first_errors TEXT NOT NULL DEFAULT '[]',
  sync_id TEXT,
  version INTEGER,
  key_name TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX ingestions_integration ON ingestions (integration_id, created_at);

CREATE TABLE idempotency (
  tenant_id TEXT NOT NULL,
  scope TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  body_hash TEXT NOT NULL,
  status INTEGER,
  response TEXT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, scope, idempotency_key)
);
