package dev.liaison.mapping.relationship;

import dev.liaison.mapping.user.Login;

/** No relationship has this id (or none of this user's does). */
public final class UnknownRelationshipException extends RelationshipException {

    public UnknownRelationshipException(long id) {
        super("no relationship " + id + " (see: liaison relationship list)");
    }

    public UnknownRelationshipException(long id, Login owner) {
        super("user '" + owner + "' has no relationship " + id + " (see: liaison relationship list --user " + owner + ")");
    }
}
