-- A tenant's own contexts (POST /v1/contexts): the current definition, and every revision its
-- schema went through (served by GET /v1/contexts/{name}/schema?version=M-R-A and kept readable
-- after a MODEL change). A sync remembers the schema $id its client validated against, so that
-- its commit can refuse when the context's MODEL changed since.
CREATE TABLE custom_contexts (
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  schema TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, name)
);

CREATE TABLE custom_context_revisions (
  tenant_id TEXT NOT NULL,
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  schema TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (tenant_id, name, version),
  FOREIGN KEY (tenant_id, name) REFERENCES custom_contexts (tenant_id, name) ON DELETE CASCADE
);

ALTER TABLE syncs ADD COLUMN schema_id TEXT;

-- The schema $id each version was committed under (null for versions committed before), so that
-- a restore across a MODEL change is refused instead of making records of another shape current.
ALTER TABLE versions ADD COLUMN schema_id TEXT;
