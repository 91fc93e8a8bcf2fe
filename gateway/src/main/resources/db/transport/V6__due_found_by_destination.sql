-- Due envelopes are found destination by destination through outbound_due_by_destination
-- (OutboundQueue.lockDue, claimNext). outbound_due, in due order across all destinations, let the
-- planner read one destination's rows through it with a filter, passing over every due row of the
-- others: a busy destination's whole backlog for each look at another one (in generic plans, where
-- a destination's share is guessed as 1 / the number of destinations). Dropped, nothing can take
-- that path, and it is one index less to write for every envelope queued, retried or finished.
DROP INDEX outbound_due;
