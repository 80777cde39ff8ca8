-- Terminal sync states and exact replays: a committed sync remembers what its commit answered
-- (expectedRecords and the warnings), and every batch remembers its answer and the file row of
-- its first record, so a retry gets the original answer and reports carry file rows.
ALTER TABLE syncs ADD COLUMN expected_records INTEGER;
ALTER TABLE syncs ADD COLUMN commit_warnings TEXT;
ALTER TABLE sync_batches ADD COLUMN first_row INTEGER NOT NULL DEFAULT 1;
ALTER TABLE sync_batches ADD COLUMN response TEXT;
