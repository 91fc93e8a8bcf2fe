-- Invitations a removed user (liaison user remove) still had out, not yet accepted, or out after
-- the user ended their relationship. The relationship's rows go with the user, but whoever accepts
-- the invitation later must still be told that the relationship is over, as an ended invitation's
-- acceptor is (one end notice), not left connected to nothing. Kept: the invitation's address (its
-- root and the key its addresses are signed with, as relay.endpoints had them) and its pending
-- protocol state, sealed under the key-encryption key and bound to the relationship id it was
-- sealed for (identity values are never reused, so the id names nothing else). No owner: nothing
-- here says whose it was. A row goes when the acceptance was answered or the invitation expired.
CREATE TABLE retired_invitations (
    relationship_id bigint      PRIMARY KEY,
    root            bytea       NOT NULL CONSTRAINT retired_invitations_root_unique UNIQUE
                                    CONSTRAINT retired_invitations_root_length CHECK (length(root) = 16),
    signing_key     bytea       NOT NULL CONSTRAINT retired_invitations_signing_key_length
                                    CHECK (length(signing_key) = 32),
    protocol_state  bytea       NOT NULL CONSTRAINT retired_invitations_protocol_state_size
                                    CHECK (length(protocol_state) <= 1048576),
    expires_at      timestamptz NOT NULL
);

CREATE INDEX retired_invitations_expiry ON retired_invitations (expires_at);
