-- A folder nothing was ever appended to or changed in had HIGHESTMODSEQ 0, which SELECT wrote as
-- OK [HIGHESTMODSEQ 0]: RFC 7162's grammar wants mod-sequence-value (at least 1) in that response
-- code. Folders start at 1, as Dovecot's do; the first change takes 2. Only empty, never-changed
-- folders are at 0 (every append, flag change and expunge takes the next value), so raising them
-- to 1 hides no change from a client that remembered 0.
ALTER TABLE imap.mailbox ALTER COLUMN highest_modseq SET DEFAULT 1;
UPDATE imap.mailbox SET highest_modseq = 1 WHERE highest_modseq = 0;
