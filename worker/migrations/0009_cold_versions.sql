-- Cold versions in R2 (issue 21): a retained version older than the hot window (VERSIONS_HOT) is
-- written to the ARCHIVE bucket as one gzip NDJSON object, then read from there. `archive` holds
-- the object's member index: JSON [[compressed bytes, records], …], one gzip member per page of
-- records, so a page is read with one ranged GET. The rows only archived versions hold are then
-- deleted from D1 (never before the object is written and checked).
ALTER TABLE versions ADD COLUMN storage TEXT NOT NULL DEFAULT 'hot' CHECK (storage IN ('hot', 'archive'));
ALTER TABLE versions ADD COLUMN archive TEXT;
