-- The dispatcher finds due envelopes destination by destination through outbound_due_by_destination
-- (OutboundQueue.lockDue), so a destination whose slots are all taken is passed over without reading
-- its backlog. Nothing reads outbound_due any more; dropped, it is one index less to write for every
-- envelope queued, retried or finished.
DROP INDEX outbound_due;
