-- Versions store what changed, not a full copy per upload (issue 20).
--
-- A dataset (integration, context) gets a store: an integer id its rows carry, and the list of
-- its field names, which only ever grows. A committed record is one row of dataset_rows, held by
-- the versions v0 <= N < v1 (v1 NULL: still current), its body a JSON array of its values in the
-- list's order (worker/db/bodies.ts). A commit closes the rows that changed or went and opens the
-- new ones; a restore closes and reopens by range; version N reads the rows with v0 <= N < v1 in
-- rowid order. Staged batches of an open sync stay in `records` (bodies under the same list) and
-- are deleted once committed.
CREATE TABLE stores (
  id INTEGER PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  integration_id TEXT NOT NULL,
  context TEXT NOT NULL,
  fields TEXT NOT NULL DEFAULT '[]',
  UNIQUE (integration_id, context)
);

CREATE TABLE dataset_rows (
  store INTEGER NOT NULL,
  v0 INTEGER NOT NULL,
  v1 INTEGER,
  record_key TEXT NOT NULL,
  body TEXT NOT NULL
);
-- Rows of a store in rowid order: reading a version pages through it; no key index (see 0004).
CREATE INDEX dataset_rows_store ON dataset_rows (store);

-- What committing a staged set would change, as its difference found it (one row per added,
-- removed or changed record, and per key repeated in the set): the commit then writes only these
-- (O(changes)) instead of grouping both sides again. Kept for the state `syncs.diff_for` names.
CREATE TABLE sync_changes (
  set_id TEXT NOT NULL,
  kind INTEGER NOT NULL CHECK (kind IN (1, 2, 3, 4)), -- 1 added, 2 removed, 3 changed, 4 repeated key
  record_key TEXT NOT NULL,
  live INTEGER, -- the current row (removed, changed)
  pos INTEGER NOT NULL -- the staged record (seq * 1000000 + idx), or the current row's rowid when removed
);
CREATE INDEX sync_changes_set ON sync_changes (set_id, kind, pos);

-- Existing datasets and open syncs: a store each, its list every field name their records use.
INSERT INTO stores (tenant_id, integration_id, context, fields)
SELECT d.tenant_id, d.integration_id, d.context,
       COALESCE((SELECT json_group_array(name) FROM (
         SELECT DISTINCT j.key AS name
         FROM record_sets rs JOIN records r ON r.set_id = rs.id, json_each(r.data) j
         WHERE rs.integration_id = d.integration_id AND rs.context = d.context
           AND (EXISTS (SELECT 1 FROM versions v WHERE v.set_id = rs.id)
                OR EXISTS (SELECT 1 FROM syncs s WHERE s.set_id = rs.id AND s.status = 'open'))
         ORDER BY name)), '[]')
FROM (SELECT tenant_id, integration_id, context FROM versions
      UNION SELECT tenant_id, integration_id, context FROM syncs WHERE status = 'open') d;

-- Every retained version's records, one row per run of consecutive versions holding the same
-- record (same key and JSON): islands of versions, numbered by rank so that gaps do not matter.
INSERT INTO dataset_rows (store, v0, v1, record_key, body)
WITH vr AS (
  SELECT s.id AS store, s.fields, v.version, v.set_id,
         DENSE_RANK() OVER (PARTITION BY s.id ORDER BY v.version) AS vrank
  FROM versions v JOIN stores s ON s.integration_id = v.integration_id AND s.context = v.context
), rr AS (
  SELECT vr.store, vr.fields, vr.version, vr.vrank, r.seq, r.idx, r.record_key, r.data,
         ROW_NUMBER() OVER (PARTITION BY vr.version, vr.store, r.record_key, r.data ORDER BY r.seq, r.idx) AS dup
  FROM vr JOIN records r ON r.set_id = vr.set_id
), runs AS (
  SELECT *, vrank - ROW_NUMBER() OVER (PARTITION BY store, record_key, data, dup ORDER BY version) AS run
  FROM rr
), islands AS (
  SELECT store, MIN(fields) AS fields, record_key, data, MIN(version) AS v0, MAX(version) AS vlast,
         MIN(seq * 1000000 + idx) AS pos
  FROM runs GROUP BY store, record_key, data, dup, run
)
SELECT i.store, i.v0,
       (SELECT MIN(vr.version) FROM vr WHERE vr.store = i.store AND vr.version > i.vlast),
       i.record_key,
       (SELECT json_group_array(json(val)) FROM (
          SELECT i.data -> ('$."' || f.value || '"') AS val FROM json_each(i.fields) f
          WHERE f.key <= (SELECT MAX(f2.key) FROM json_each(i.fields) f2
                          WHERE json_type(i.data, '$."' || f2.value || '"') IS NOT NULL)
          ORDER BY f.key))
FROM islands i ORDER BY i.store, i.v0, i.pos;

-- Staged records of open syncs take the same form.
UPDATE records SET data = (
  SELECT (SELECT json_group_array(json(val)) FROM (
            SELECT records.data -> ('$."' || f.value || '"') AS val FROM json_each(s.fields) f
            WHERE f.key <= (SELECT MAX(f2.key) FROM json_each(s.fields) f2
                            WHERE json_type(records.data, '$."' || f2.value || '"') IS NOT NULL)
            ORDER BY f.key))
  FROM syncs y JOIN stores s ON s.integration_id = y.integration_id AND s.context = y.context
  WHERE y.set_id = records.set_id AND y.status = 'open')
WHERE set_id IN (SELECT set_id FROM syncs WHERE status = 'open');

-- The full copies are gone; a version no longer points to a record set.
DELETE FROM records WHERE set_id NOT IN (SELECT set_id FROM syncs WHERE status = 'open');
DELETE FROM record_sets WHERE id NOT IN (SELECT set_id FROM syncs WHERE status = 'open');
UPDATE versions SET set_id = '';
