package dev.liaison.mapping.relationship;

/** A relationship operation the caller asked for could not be done; the message says why. */
public abstract class RelationshipException extends RuntimeException {

    protected RelationshipException(String message) {
        super(message);
    }
}
