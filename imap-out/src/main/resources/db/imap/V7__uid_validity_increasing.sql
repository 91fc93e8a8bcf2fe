-- UIDVALIDITY of a new folder: greater than any this owner's folders were given before (RFC 3501 /
-- RFC 9051 §2.3.1.1: a name deleted and created again MUST get a greater one; a renamed INBOX leaves
-- a new INBOX behind, which likewise). Random values (James's UidValidity.generate) went up and down.
-- As Dovecot: the time in seconds, or one more than the owner's last value when that is as great;
-- both fit the column's 32 bits until 2106. One row per owner, kept when their folders are deleted.
CREATE TABLE imap.uid_validity (
    owner text   PRIMARY KEY,
    last  bigint NOT NULL CHECK (last > 0 AND last < 4294967296)
);

-- Owners who have folders already: new values start above the greatest they hold. (Folders deleted
-- before this migration left no trace; a value one of them had may come again, once.)
INSERT INTO imap.uid_validity (owner, last) SELECT owner, max(uid_validity) FROM imap.mailbox GROUP BY owner;

-- The next value for an owner, taken in the caller's transaction (the owner's row stays locked until
-- it ends, so two creations for one owner get two values in order).
CREATE FUNCTION imap.next_uid_validity(for_owner text) RETURNS bigint LANGUAGE sql VOLATILE AS $$
    INSERT INTO imap.uid_validity AS v (owner, last)
    VALUES (for_owner, extract(epoch FROM clock_timestamp())::bigint)
    ON CONFLICT (owner) DO UPDATE SET last = greatest(excluded.last, v.last + 1)
    RETURNING last
$$;
