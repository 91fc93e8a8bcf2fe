-- A delivery id is kept as long as its caller's retries need it, no longer: the caller forgets the
-- old ones in batches (MailboxDelivery#forget; the gateway after eight days, longer than any client
-- or mail server retries). Before, every message ever delivered left its row here for good. This
-- index finds the old ones without reading the table.
CREATE INDEX delivery_delivered_at ON imap.delivery (delivered_at);
