-- The relay's tables (schema "relay", owned by dev.liaison.gateway.receiving and .relationship).
-- Relationship protocol state itself lives in mapping.relationships (opaque, sealed bytes).

-- The receiving service's HPKE key ring, sealed under the key-encryption key. One row; a
-- rotation locks it, so two processes never rotate at once.
CREATE TABLE service_keys (
    id         smallint    PRIMARY KEY CONSTRAINT service_keys_single_row CHECK (id = 1),
    keyring    bytea       NOT NULL,
    rotated_at timestamptz NOT NULL
);

-- One root address per local end of a relationship: resolving an envelope's address ends here,
-- naming the relationship without trying every key of the user. The signing key is the public
-- half of the address-signing key registered for that root (its private half is in the sealed
-- relationship state). Deleting a row makes every address of that end unresolvable.
CREATE TABLE endpoints (
    root            bytea       PRIMARY KEY CONSTRAINT endpoints_root_length CHECK (length(root) = 16),
    relationship_id bigint      NOT NULL CONSTRAINT endpoints_relationship_unique UNIQUE
                                    REFERENCES mapping.relationships (id),
    signing_key     bytea       NOT NULL CONSTRAINT endpoints_signing_key_length CHECK (length(signing_key) = 32),
    -- when fresh addresses must next be sent to the peer (a keep-alive if the relationship is quiet)
    refresh_at      timestamptz NOT NULL
);

CREATE INDEX endpoints_refresh ON endpoints (refresh_at);

-- Mail relayed to a peer: the key that makes a client's retry of the same submission a no-op
-- (kept for days), and the original for the failure notice (dropped once the envelope is delivered).
CREATE TABLE sent_messages (
    submission_key text        PRIMARY KEY,
    envelope_id    text        NOT NULL CONSTRAINT sent_messages_envelope_unique UNIQUE,
    owner          text        NOT NULL,
    alias          text        NOT NULL,
    message        bytea,
    created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX sent_messages_created ON sent_messages (created_at);

-- Invitations a user of this gateway accepted: accepting one twice would leave a relationship
-- the inviter never completes (it honours only the first key agreement).
CREATE TABLE accepted_invitations (
    invitation_id bytea       PRIMARY KEY CONSTRAINT accepted_invitations_id_length CHECK (length(invitation_id) = 16),
    accepted_at   timestamptz NOT NULL DEFAULT now()
);
