-- As transport V6: due envelopes are found destination by destination (OutboundQueue.lockDue).
DROP INDEX outbound_due;
