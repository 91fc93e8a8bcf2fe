-- The message itself is compressed with lz4 where the server has it. pglz, the default, cost the
-- database about 0.24 ms of CPU for 10 KB of ordinary text (docs/benchmarks.md), a quarter of all
-- it spends on a submission; lz4 compresses at a fraction of that and reads back faster. A server
-- built without lz4 (the embedded one is) keeps pglz: storing the message uncompressed instead
-- cost more than it saved in the submission benchmark. Rows already stored keep their form.
DO $$
BEGIN
    ALTER TABLE imap.message ALTER COLUMN content SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    NULL;
END
$$;
