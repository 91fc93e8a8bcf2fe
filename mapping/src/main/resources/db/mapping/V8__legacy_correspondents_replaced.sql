-- A user writing to a plain-email correspondent whose relationship has ended starts a new
-- relationship with them (a new correspondent's alias, a new outward alias): the ended one stays
-- as it was, final, and is marked replaced. Only the relationship not replaced is the one a plain
-- address leads to, so the uniqueness per user and address holds among those alone.
ALTER TABLE legacy_correspondents ADD COLUMN replaced_at timestamptz;
ALTER TABLE legacy_correspondents DROP CONSTRAINT legacy_correspondents_unique;
CREATE UNIQUE INDEX legacy_correspondents_current ON legacy_correspondents (user_id, address)
    WHERE replaced_at IS NULL;
