-- The sealed headers of the ratchet messages a relationship received (SHA-256 of a message's version,
-- header nonce and encrypted header), so that a message arriving at a chain position already used
-- can be told apart: the same header is a copy of the message received there (a replay under a new
-- envelope id: dropped), another header was sealed anew by whoever holds the header key, which is
-- the peer restored from an older backup (quarantined, for the administrator: RelationshipReceiver).
-- Kept for 31 days, a day more than the addresses a copy would have to resolve live
-- (relationship.ReceivedHeaders); no foreign key, so removing a relationship needs no step here.
CREATE TABLE received_headers (
    relationship_id bigint      NOT NULL,
    header_digest   bytea       NOT NULL CONSTRAINT received_headers_digest_length CHECK (length(header_digest) = 32),
    received_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (relationship_id, header_digest)
);

CREATE INDEX received_headers_received_at ON received_headers (received_at);
