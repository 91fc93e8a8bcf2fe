package dev.liaison.mapping.relationship;

/** An ended relationship stays ended: its state and protocol state never change again. */
public final class EndedRelationshipException extends RelationshipException {

    public EndedRelationshipException(long id) {
        super("relationship " + id + " has ended and cannot be changed; invite the peer again for a new one");
    }
}
