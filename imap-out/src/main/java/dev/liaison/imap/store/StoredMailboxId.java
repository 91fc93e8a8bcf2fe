package dev.liaison.imap.store;

import org.apache.james.mailbox.model.MailboxId;

import java.io.Serializable;

/**
 * A folder's identity: the {@code imap.mailbox.id} row key. It never changes for a living folder
 * (renames keep it), which is what lets a selected session follow a renamed folder.
 */
public final class StoredMailboxId implements MailboxId, Serializable {

    private final long value;

    private StoredMailboxId(long value) {
        if (value <= 0) {
            throw new IllegalArgumentException("mailbox id must be positive, got " + value);
        }
        this.value = value;
    }

    public static StoredMailboxId of(long value) {
        return new StoredMailboxId(value);
    }

    public long value() {
        return value;
    }

    @Override
    public String serialize() {
        return Long.toString(value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredMailboxId other && other.value == value;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(value);
    }

    @Override
    public String toString() {
        return "mailbox#" + value;
    }

    /** Parses ids that James hands back in its serialized form. */
    public static final class Factory implements MailboxId.Factory {
        @Override
        public MailboxId fromString(String serialized) {
            try {
                return of(Long.parseLong(serialized));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a mailbox id: '" + serialized + "'", e);
            }
        }
    }
}
