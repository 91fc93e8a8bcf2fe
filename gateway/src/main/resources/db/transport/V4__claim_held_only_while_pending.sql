-- A delivery's outcome is recorded "WHERE id = ? AND claim_token = ?": the token alone says the row
-- is still pending, so the statement names no state. Had it said "AND state = 'pending'", the
-- partial indexes (WHERE state = 'pending') would fit it too, and with statistics taken while the
-- queue was empty (its normal state) the planner chose a whole scan of one of them over the primary
-- key: every record read the whole backlog (docs/benchmarks.md, twelfth session). This constraint
-- states what the statements rely on. Every statement that ends a row's pending state already
-- clears its token; a stray one on a finished row is cleared first, so adding it cannot fail.
UPDATE outbound SET claim_token = NULL, leased_until = NULL WHERE state <> 'pending' AND claim_token IS NOT NULL;
ALTER TABLE outbound ADD CONSTRAINT outbound_claimed_only_while_pending
    CHECK (claim_token IS NULL OR state = 'pending');
