-- Relationships: one per peer a user is connected with over the Communicator protocol, each
-- holding the protocol state gateway serialises (already encrypted by gateway under its
-- key-encryption key: this module never sees a key). state_version grows by one on every save,
-- so a writer that read an older version is refused instead of forking the ratchet.
CREATE TABLE relationships (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id        bigint      NOT NULL REFERENCES users (id),
    peer_name      text        NOT NULL CONSTRAINT relationships_peer_name_length
                                   CHECK (length(peer_name) BETWEEN 1 AND 200),
    state          text        NOT NULL CONSTRAINT relationships_state
                                   CHECK (state IN ('pending', 'active', 'blocked', 'ended')),
    protocol_state bytea       NOT NULL CONSTRAINT relationships_protocol_state_size
                                   CHECK (length(protocol_state) <= 1048576),
    state_version  bigint      NOT NULL CONSTRAINT relationships_state_version_positive CHECK (state_version >= 1),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    -- lets aliases reference (relationship, owner) so an alias can only point at its owner's relationship
    CONSTRAINT relationships_id_owner UNIQUE (id, user_id)
);

CREATE INDEX relationships_user ON relationships (user_id);

-- An alias now targets either its owner's mailbox or exactly one of its owner's relationships,
-- and a relationship is written to through at most one alias.
ALTER TABLE aliases DROP CONSTRAINT aliases_target;
ALTER TABLE aliases ADD CONSTRAINT aliases_target CHECK (target IN ('mailbox', 'relationship'));
ALTER TABLE aliases ADD COLUMN relationship_id bigint;
ALTER TABLE aliases ADD CONSTRAINT aliases_relationship_owner
    FOREIGN KEY (relationship_id, user_id) REFERENCES relationships (id, user_id);
ALTER TABLE aliases ADD CONSTRAINT aliases_relationship_iff_target
    CHECK ((target = 'relationship') = (relationship_id IS NOT NULL));
ALTER TABLE aliases ADD CONSTRAINT aliases_relationship_unique UNIQUE (relationship_id);
