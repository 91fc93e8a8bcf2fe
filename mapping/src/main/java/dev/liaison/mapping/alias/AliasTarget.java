package dev.liaison.mapping.alias;

/** Where mail written to an alias goes. Relationships are added as a second kind later. */
public sealed interface AliasTarget {

    /** The owner's own mailbox: mail to the alias is delivered to the owner's INBOX. */
    record OwnerMailbox() implements AliasTarget {
    }

    AliasTarget OWNER_MAILBOX = new OwnerMailbox();

    default String dbValue() {
        return "mailbox";
    }

    static AliasTarget fromDb(String value) {
        if ("mailbox".equals(value)) {
            return OWNER_MAILBOX;
        }
        throw new IllegalStateException("unknown alias target '" + value + "' in the database");
    }
}
