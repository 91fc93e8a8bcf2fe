-- As transport V4: a lease (claim token) is held only by a pending row, so the queue's records find
-- their row by the primary key and the token, never by a scan of a partial index of pending rows.
UPDATE outbound SET claim_token = NULL, leased_until = NULL WHERE state <> 'pending' AND claim_token IS NOT NULL;
ALTER TABLE outbound ADD CONSTRAINT outbound_claimed_only_while_pending
    CHECK (claim_token IS NULL OR state = 'pending');
