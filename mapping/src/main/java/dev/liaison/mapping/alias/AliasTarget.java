package dev.liaison.mapping.alias;

/**
 * Where mail written to an alias goes: the owner's own mailbox (privately, or published to
 * strangers on plain email), one of the owner's relationships, or — for a legacy correspondent —
 * the address the owner writes from and the correspondent replies to.
 */
public sealed interface AliasTarget {

    /** The owner's own mailbox: mail to the alias is delivered to the owner's INBOX. */
    record OwnerMailbox() implements AliasTarget {

        @Override
        public String dbValue() {
            return "mailbox";
        }
    }

    /**
     * The owner's mailbox, and open to strangers on plain email: the MX accepts mail for it, and a
     * new sender's first message becomes a relationship request.
     */
    record Published() implements AliasTarget {

        @Override
        public String dbValue() {
            return "published";
        }
    }

    /**
     * A relationship of the alias's owner: mail to the alias is sent to that relationship's peer.
     * A relationship has at most one such alias.
     */
    record Relationship(long id) implements AliasTarget {

        @Override
        public String dbValue() {
            return "relationship";
        }
    }

    /**
     * The owner's address towards one legacy correspondent: the From of the owner's mail to them,
     * and where their replies arrive. A relationship has at most one.
     */
    record Outward(long relationshipId) implements AliasTarget {

        @Override
        public String dbValue() {
            return "outward";
        }
    }

    AliasTarget OWNER_MAILBOX = new OwnerMailbox();
    AliasTarget PUBLISHED = new Published();

    String dbValue();

    /** The relationship the alias belongs to, or -1 for a mailbox alias. */
    default long relationshipId() {
        if (this instanceof Relationship r) {
            return r.id();
        }
        return this instanceof Outward o ? o.relationshipId() : -1;
    }

    /** Delivered to the owner's own mailbox (private or published). */
    default boolean mailbox() {
        return this instanceof OwnerMailbox || this instanceof Published;
    }

    /** The target read from the {@code target} and {@code relationship_id} columns (null when not set). */
    static AliasTarget fromDb(String value, Long relationshipId) {
        if (relationshipId == null) {
            if ("mailbox".equals(value)) {
                return OWNER_MAILBOX;
            }
            if ("published".equals(value)) {
                return PUBLISHED;
            }
        } else if ("relationship".equals(value)) {
            return new Relationship(relationshipId);
        } else if ("outward".equals(value)) {
            return new Outward(relationshipId);
        }
        throw new IllegalStateException("unknown alias target '" + value + "' (relationship " + relationshipId
                + ") in the database");
    }
}
