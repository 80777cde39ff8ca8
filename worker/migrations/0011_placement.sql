-- Tenants placed across data databases (issue 21). DB keeps tenants, keys and this placement; a
-- tenant's integrations, custom contexts, datasets, versions, syncs and history live in the data
-- database named here (a binding: DATA_0, DATA_1, …). Tenants created before this migration keep
-- their data where it is: NULL means DB itself, until an operator moves them.
-- Every database gets every migration, so the data tables exist in DB and the control tables in
-- the data databases, unused.
ALTER TABLE tenants ADD COLUMN data_db TEXT;
