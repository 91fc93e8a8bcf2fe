package dev.liaison.imap.store;

import org.apache.james.mailbox.model.MessageId;

import java.util.UUID;

/**
 * A message's identity across folders (a COPY keeps it, RFC 8474's EMAILID idea): a random UUID,
 * so ids reveal neither counts nor order.
 */
public final class StoredMessageId implements MessageId {

    private final UUID value;

    private StoredMessageId(UUID value) {
        this.value = java.util.Objects.requireNonNull(value, "value");
    }

    public static StoredMessageId of(UUID value) {
        return new StoredMessageId(value);
    }

    public UUID value() {
        return value;
    }

    @Override
    public String serialize() {
        return value.toString();
    }

    @Override
    public boolean isSerializable() {
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredMessageId other && other.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return "message#" + value;
    }

    /** Generates random ids and parses serialized ones. */
    public static final class Factory implements MessageId.Factory {
        @Override
        public MessageId fromString(String serialized) {
            return of(UUID.fromString(serialized));
        }

        @Override
        public MessageId generate() {
            return of(UUID.randomUUID());
        }
    }
}
