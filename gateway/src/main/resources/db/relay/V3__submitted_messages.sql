-- Messages users submitted, by the key a client's retry of the same message is recognised by
-- (sha256 of the login and the Message-ID, dev.liaison.gateway.submission): the SHA-256 of the
-- first message taken under that key, as the client sent it (SubmittedMessages). A later
-- submission under the same key with the same digest is that client's retry and changes nothing;
-- one with another digest is another message that reuses the Message-ID, and is delivered under a
-- key of its own. Kept as long as the delivery ids derived from the key (imap.delivery keeps them
-- for good): were a row forgotten, another message reusing the id would be taken for a retry.
CREATE TABLE submitted_messages (
    submission_key text        PRIMARY KEY,
    digest         bytea       NOT NULL CONSTRAINT submitted_messages_digest_length CHECK (length(digest) = 32),
    submitted_at   timestamptz NOT NULL DEFAULT now()
);
