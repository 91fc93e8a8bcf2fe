-- As transport V7: due envelopes are taken ORDER BY next_attempt_at, id, read from this index.
DROP INDEX outbound_due_by_destination;
CREATE INDEX outbound_due_by_destination ON outbound (destination, next_attempt_at, id) WHERE state = 'pending';
