-- A submitted message's row is kept while a delivery made under its key is remembered anywhere, no
-- longer: SubmittedMessages.retention (relay.expiry + 8 days + a week; 20 days by default) after the
-- last message taken under the key, then the gateway forgets it in batches (gateway.Bookkeeping).
-- Before, rows were kept for good and the table grew with every message submitted. This index finds
-- the old ones without reading the table.
CREATE INDEX submitted_messages_submitted_at ON submitted_messages (submitted_at);
