package dev.liaison.mapping.alias;

/** Where mail written to an alias goes: the owner's own mailbox, or one of the owner's relationships. */
public sealed interface AliasTarget {

    /** The owner's own mailbox: mail to the alias is delivered to the owner's INBOX. */
    record OwnerMailbox() implements AliasTarget {

        @Override
        public String dbValue() {
            return "mailbox";
        }
    }

    /**
     * A relationship of the alias's owner: mail to the alias is sent to that relationship's peer.
     * A relationship has at most one alias.
     */
    record Relationship(long id) implements AliasTarget {

        @Override
        public String dbValue() {
            return "relationship";
        }
    }

    AliasTarget OWNER_MAILBOX = new OwnerMailbox();

    String dbValue();

    /** The target read from the {@code target} and {@code relationship_id} columns (null when not set). */
    static AliasTarget fromDb(String value, Long relationshipId) {
        if ("mailbox".equals(value) && relationshipId == null) {
            return OWNER_MAILBOX;
        }
        if ("relationship".equals(value) && relationshipId != null) {
            return new Relationship(relationshipId);
        }
        throw new IllegalStateException("unknown alias target '" + value + "' (relationship " + relationshipId
                + ") in the database");
    }
}
