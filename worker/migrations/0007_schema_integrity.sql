-- Schema changes never corrupt data (issue 29).
-- The context's schema `$id` when a sync began, and the `$id` each batch was validated against:
-- a commit re-checks every batch validated under another schema (or refuses a MODEL change).
ALTER TABLE syncs ADD COLUMN opened_schema_id TEXT;
ALTER TABLE sync_batches ADD COLUMN schema_id TEXT;

-- The highest MODEL a deleted custom context reached: a context created again under that name
-- starts at the next MODEL, so no `$id` (nor ETag) is ever reused for another definition.
CREATE TABLE custom_context_generations (
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  last_model INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, name)
);

-- A sync's last difference against the current dataset, and what it was computed for
-- (`<batches>:<records>:<current version>`): asked again unchanged, it is answered from here.
ALTER TABLE syncs ADD COLUMN diff_for TEXT;
ALTER TABLE syncs ADD COLUMN diff TEXT;
