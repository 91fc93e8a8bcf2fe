-- search_text is derived from content and read only by SEARCH. Compressing it (pglz) at every
-- delivery cost the database about 0.19 ms of CPU per 10 KB message, an eighth of all it spends
-- on a submission (docs/benchmarks.md); stored as is, it takes about as much room as the text
-- it holds. The message itself stays compressed. Rows already stored keep their compressed form.
ALTER TABLE imap.message ALTER COLUMN search_text SET STORAGE EXTERNAL;
