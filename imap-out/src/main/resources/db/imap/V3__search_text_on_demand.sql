-- search_text and sent_on are derived from content and read only by SEARCH. They are no longer
-- written with every message: NULL means "not extracted yet", and a search that reads them first
-- extracts them for the folder's messages that have none (dev.liaison.imap.store.SearchIndexing).
-- Most messages are never searched on the server; extracting at delivery cost every message a MIME
-- pass and a second copy of its text in the database (docs/benchmarks.md). Rows already stored keep
-- their text.
ALTER TABLE imap.message ALTER COLUMN search_text DROP NOT NULL, ALTER COLUMN search_text DROP DEFAULT;
