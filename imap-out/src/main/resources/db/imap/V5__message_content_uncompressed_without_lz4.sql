-- Where the server has no lz4 (the embedded one), the message is stored as is instead of with
-- pglz. pglz compresses ordinary text at about 40 MB/s: 0.25 ms of the database's CPU for a 10 KB
-- message and about 26 ms for 1 MB, written twice per relayed message (the sender's Sent copy and
-- the receiver's INBOX copy). In a relay of 1 MB messages it was 40 % of the whole machine's CPU
-- (docs/benchmarks.md, eleventh session). Stored as is, a message takes its own size on disk, as
-- in a Maildir, and a partial FETCH reads only the chunks it needs. lz4, where the server has it,
-- costs about what no compression does and stays. Rows already stored keep their form; an
-- administrator who prefers the disk space over the CPU can SET STORAGE EXTENDED again.
DO $$
BEGIN
    IF (SELECT attcompression FROM pg_attribute
        WHERE attrelid = 'imap.message'::regclass AND attname = 'content') IS DISTINCT FROM 'l' THEN
        ALTER TABLE imap.message ALTER COLUMN content SET STORAGE EXTERNAL;
    END IF;
END
$$;
