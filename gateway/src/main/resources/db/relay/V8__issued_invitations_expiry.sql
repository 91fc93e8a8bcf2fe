-- When each invitation issued here expires, so that the keep-alive's prune finds those never
-- accepted (Invitations.forgetExpired, docs/operations.md "Retention"): the expiry itself is in the
-- relationship's sealed state, which SQL cannot read. Rows issued before this column existed get an
-- upper bound: no invitation lives longer than 30 days (invite create --expires, at most 30d).
ALTER TABLE issued_invitations ADD COLUMN expires_at timestamptz;
UPDATE issued_invitations i SET expires_at = r.created_at + interval '30 days'
    FROM mapping.relationships r WHERE r.id = i.relationship_id;
ALTER TABLE issued_invitations ALTER COLUMN expires_at SET NOT NULL;
CREATE INDEX issued_invitations_expiry ON issued_invitations (expires_at);
