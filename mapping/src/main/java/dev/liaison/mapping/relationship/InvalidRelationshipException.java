package dev.liaison.mapping.relationship;

/** A peer name, protocol state or state change that a relationship cannot have. */
public final class InvalidRelationshipException extends RelationshipException {

    public InvalidRelationshipException(String message) {
        super(message);
    }
}
