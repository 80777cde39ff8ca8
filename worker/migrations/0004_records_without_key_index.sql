-- The (set_id, record_key) index made every batch insert write into pages scattered all over the
-- index (keys arrive in no order): most of the time a 50 MB sync spent in D1. Nothing needs it:
-- duplicates at commit and the difference to the current version are found by one GROUP BY over
-- the set(s), which sorts once instead of maintaining a B-tree on every insert.
DROP INDEX IF EXISTS records_key;
