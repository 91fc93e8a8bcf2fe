-- Correspondents on plain email (issue 8). A legacy relationship is a relationship like any other
-- (one alias for the user to write to, block, end) whose peer is an email address instead of a
-- Communicator end; its protocol state stays empty until it is upgraded.

-- 'requested': a stranger wrote to a published address; the user has not answered yet.
ALTER TABLE relationships DROP CONSTRAINT relationships_state;
ALTER TABLE relationships ADD CONSTRAINT relationships_state
    CHECK (state IN ('requested', 'pending', 'active', 'blocked', 'ended'));

-- Alias targets: 'published' is a mailbox alias that strangers on plain email may write to (the
-- MX accepts it); 'outward' is the address a user writes from to one legacy correspondent only,
-- and where that correspondent's replies arrive. A relationship has at most one alias per role.
ALTER TABLE aliases DROP CONSTRAINT aliases_target;
ALTER TABLE aliases ADD CONSTRAINT aliases_target CHECK (target IN ('mailbox', 'published', 'relationship', 'outward'));
ALTER TABLE aliases DROP CONSTRAINT aliases_relationship_iff_target;
ALTER TABLE aliases ADD CONSTRAINT aliases_relationship_iff_target
    CHECK ((target IN ('relationship', 'outward')) = (relationship_id IS NOT NULL));
ALTER TABLE aliases DROP CONSTRAINT aliases_relationship_unique;
ALTER TABLE aliases ADD CONSTRAINT aliases_relationship_unique UNIQUE (relationship_id, target);

CREATE TABLE legacy_correspondents (
    relationship_id bigint      PRIMARY KEY,
    user_id         bigint      NOT NULL,
    -- the correspondent's address, lower-cased (one relationship per user and address)
    address         text        NOT NULL CONSTRAINT legacy_correspondents_address
                                    CHECK (address = lower(address) AND length(address) BETWEEN 3 AND 254),
    -- the published alias a stranger's first message came to; NULL when the user wrote first
    via_alias       bigint      REFERENCES aliases (id),
    -- set when the relationship moved to the Communicator transport; plain mail claiming to be
    -- from this correspondent afterwards is flagged, never merged silently
    upgraded_at     timestamptz,
    -- the Communicator invitation the correspondent's gateway offered in a plain email the user had
    -- not answered yet; accepted when the user answers (then cleared)
    offered_invitation text     CONSTRAINT legacy_correspondents_offer_length CHECK (length(offered_invitation) <= 8192),
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT legacy_correspondents_owner FOREIGN KEY (relationship_id, user_id) REFERENCES relationships (id, user_id),
    CONSTRAINT legacy_correspondents_unique UNIQUE (user_id, address)
);

-- Rate limit for strangers: new requests per published alias in a recent window.
CREATE INDEX legacy_correspondents_via ON legacy_correspondents (via_alias, created_at) WHERE via_alias IS NOT NULL;
