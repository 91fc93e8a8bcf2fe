-- The neutral Message-IDs (<h@liaison.invalid>, dev.liaison.gateway.mail.MessageIds) of the plain
-- email each user sent. A mail server's report (bounce, read receipt) returns the id of the message
-- it is about; any sender can write some id of that form, but not one this user sent, so the MX
-- files a report in INBOX only when it names one of these (Junk with a warning otherwise). One row
-- per message and user, not per recipient. Reports come within days (a sending server gives up
-- after 4-5, RFC 5321 section 4.5.4.1), receipts when the message is read: a row counts for 30 days
-- after the message was last sent (dev.liaison.gateway.legacy.delivery.Limits.SENT_ID_MEMORY), and
-- rows past that are deleted in batches by the gateway's Bookkeeping.
CREATE TABLE legacy_sent_ids (
    user_id  bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- the id without its angle brackets, as it left
    neutral  text        NOT NULL CONSTRAINT legacy_sent_ids_neutral CHECK (length(neutral) BETWEEN 1 AND 64),
    sent_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, neutral)
);

CREATE INDEX legacy_sent_ids_sent ON legacy_sent_ids (sent_at);
