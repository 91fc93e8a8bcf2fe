-- A delivery thread that finished an envelope for one destination takes that destination's next
-- due envelope straight away (OutboundQueue.claimNext): found by this index, not by a scan of the
-- pending backlog.
CREATE INDEX outbound_due_by_destination ON outbound (destination, next_attempt_at) WHERE state = 'pending';

-- The inbound processors take the oldest due envelope ORDER BY next_attempt_at, id: an index in that
-- order answers LIMIT 1 without sorting every pending row.
CREATE INDEX inbound_due_in_order ON inbound (next_attempt_at, id) WHERE state = 'pending';
DROP INDEX inbound_due;
