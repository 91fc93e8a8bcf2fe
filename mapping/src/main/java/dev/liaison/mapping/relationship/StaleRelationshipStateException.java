package dev.liaison.mapping.relationship;

/**
 * Someone saved the protocol state after the caller read it: saving now would fork the ratchet.
 * The caller rolls back and starts over from {@link RelationshipStore#lock}.
 */
public final class StaleRelationshipStateException extends RelationshipException {

    public StaleRelationshipStateException(long id, long expectedVersion, long actualVersion) {
        super("protocol state of relationship " + id + " is at version " + actualVersion + ", not " + expectedVersion
                + " as read; roll back, lock the relationship and read it again");
    }
}
