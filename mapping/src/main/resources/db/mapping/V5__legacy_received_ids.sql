-- The Message-IDs plain email from a correspondent came with. Mail that leaves the gateway carries
-- neutral ids (<hash@liaison.invalid>, dev.liaison.gateway.mail.MessageIds) so that it names no
-- host of the user's; but a correspondent on plain email knows its own messages only by their own
-- ids, so a reply's In-Reply-To and References give them back to that correspondent (and to the
-- user's Sent copy), found by their neutral form. One row per message received (not for mail filed
-- in Junk); gone with the relationship.
CREATE TABLE legacy_received_ids (
    relationship_id bigint NOT NULL REFERENCES relationships (id) ON DELETE CASCADE,
    -- the neutral form of the id: what a reply's In-Reply-To holds once made neutral
    neutral         text   NOT NULL CONSTRAINT legacy_received_ids_neutral CHECK (length(neutral) BETWEEN 1 AND 64),
    -- the id as the correspondent wrote it, between < and >: printable ASCII without spaces
    original        text   NOT NULL CONSTRAINT legacy_received_ids_original
                               CHECK (original ~ '^[!-~]{1,250}$' AND original !~ '[<>]'),
    -- when it came: what a retention rule would go by (none yet: a row is about 100 octets)
    received_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (relationship_id, neutral)
);
