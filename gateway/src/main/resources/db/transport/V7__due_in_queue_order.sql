-- A destination's due envelopes are taken in queue order among those due at once (OutboundQueue,
-- ORDER BY next_attempt_at, id): a backlog moved to one retry time must reach the peer oldest first,
-- or the receiving ratchet cannot open it. With the id in the index that order is read from it, not
-- sorted from every row of the wave.
DROP INDEX outbound_due_by_destination;
CREATE INDEX outbound_due_by_destination ON outbound (destination, next_attempt_at, id) WHERE state = 'pending';
