-- Which address a user's plain email leaves from (issue 8): 'outward', a fresh alias for each
-- correspondent (nobody can link the user's conversations), or 'published', the user's published
-- address for every correspondent (what an administrator may choose). NULL follows the gateway's
-- legacy.from setting.
ALTER TABLE users ADD COLUMN legacy_from text CONSTRAINT users_legacy_from CHECK (legacy_from IN ('outward', 'published'));

-- Who wrote first. Only a correspondent's first message is a request counted by the rate limit for
-- strangers; a user writing first from their published address is not.
ALTER TABLE legacy_correspondents ADD COLUMN opened_by text NOT NULL DEFAULT 'correspondent'
    CONSTRAINT legacy_correspondents_opened_by CHECK (opened_by IN ('correspondent', 'user'));
UPDATE legacy_correspondents SET opened_by = 'user' WHERE via_alias IS NULL;
