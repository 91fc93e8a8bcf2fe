-- Invitations issued here, by the relationship that waits for their key agreement: a user who
-- accepted their own would be connected with themselves.
CREATE TABLE issued_invitations (
    invitation_id   bytea  PRIMARY KEY CONSTRAINT issued_invitations_id_length CHECK (length(invitation_id) = 16),
    relationship_id bigint NOT NULL REFERENCES mapping.relationships (id) ON DELETE CASCADE
);
