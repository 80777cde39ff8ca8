-- What an upload came from (a file name, or a captured page's title and address): given when a
-- sync starts (POST …/syncs `sourceName`, clipped by clipSourceName), and recorded with every
-- ingestion of that sync so the history shows it.
ALTER TABLE syncs ADD COLUMN source_name TEXT;
ALTER TABLE ingestions ADD COLUMN source_name TEXT;
