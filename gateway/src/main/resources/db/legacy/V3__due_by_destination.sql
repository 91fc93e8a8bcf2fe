-- As transport V3: a delivery thread takes its destination's next due row by this index.
CREATE INDEX outbound_due_by_destination ON outbound (destination, next_attempt_at) WHERE state = 'pending';
