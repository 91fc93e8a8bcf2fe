package dev.liaison.mapping.relationship;

import java.util.Arrays;

/**
 * A relationship's protocol state as gateway serialised (and encrypted) it: opaque bytes to this
 * module. Copied in and out so no caller can change a stored value behind the store's back;
 * {@link #toString()} shows only the length, never the bytes.
 */
public final class ProtocolState {

    /** Ratchet state with its skipped message keys stays far below this; more means a bug upstream. */
    public static final int MAX_BYTES = 1024 * 1024;

    private final byte[] bytes;

    private ProtocolState(byte[] bytes) {
        this.bytes = bytes;
    }

    /** {@link InvalidRelationshipException} if null or longer than {@link #MAX_BYTES}. */
    public static ProtocolState of(byte[] bytes) {
        if (bytes == null) {
            throw new InvalidRelationshipException("protocol state is missing: pass the serialised state (may be empty)");
        }
        if (bytes.length > MAX_BYTES) {
            throw new InvalidRelationshipException("protocol state of " + bytes.length + " bytes is over the limit of "
                    + MAX_BYTES + " bytes");
        }
        return new ProtocolState(bytes.clone());
    }

    /** A copy of the bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    public int length() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProtocolState other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "ProtocolState[" + bytes.length + " bytes]";
    }
}
