-- A queued plain email lives only until it is delivered (seconds; days while a server is down), and
-- the copy the sender keeps is the one in the Sent folder. Compressing it with pglz, the default,
-- cost about 25 ms of the database's CPU per megabyte of text (docs/benchmarks.md, eleventh
-- session) for space held that briefly: it is stored as is. Rows already queued keep their form.
ALTER TABLE outbound ALTER COLUMN envelope SET STORAGE EXTERNAL;
