-- The keep-alive's prune drops the originals of delivered envelopes every minute
-- (SentMessages.prune). Without this index it read every row of sent_messages, 8 days of relayed
-- mail, to find the few whose original is still kept (those not yet delivered); with it, only those.
CREATE INDEX sent_messages_original_kept ON sent_messages (envelope_id) WHERE message IS NOT NULL;
