package dev.liaison.gateway.transport;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The opaque bytes of one envelope as they travel: the transport layer neither parses nor
 * changes them. Copied on the way in and out so no caller can change a queued envelope, compared
 * by content, and printed by size only (an envelope is ciphertext, but it is also a body).
 */
public final class EnvelopeBytes {

    private final byte[] bytes;

    private EnvelopeBytes(byte[] bytes) {
        if (bytes.length == 0) {
            throw new IllegalArgumentException("an envelope cannot be empty");
        }
        if (bytes.length > Limits.MAX_ENVELOPE_BYTES) {
            throw new IllegalArgumentException("envelope of " + bytes.length + " bytes exceeds the limit of "
                    + Limits.MAX_ENVELOPE_BYTES + " bytes");
        }
        this.bytes = bytes;
    }

    public static EnvelopeBytes copyOf(byte[] bytes) {
        return new EnvelopeBytes(bytes.clone());
    }

    /** Takes ownership of an array nobody else holds (fresh from a socket or the database): no copy. */
    public static EnvelopeBytes adopt(byte[] bytes) {
        return new EnvelopeBytes(bytes);
    }

    /** A copy of the bytes. */
    public byte[] toByteArray() {
        return bytes.clone();
    }

    /**
     * The bytes themselves, without a copy, for writing them to a socket or the database. The
     * caller must not modify the array: envelopes are up to {@value Limits#MAX_ENVELOPE_BYTES} bytes and
     * the send and receive paths would otherwise copy each one several times.
     */
    public byte[] sharedArray() {
        return bytes;
    }

    public int size() {
        return bytes.length;
    }

    /** A short fingerprint for tests and debugging: first bytes in hex, never the whole body. */
    public String prefixHex(int count) {
        return HexFormat.of().formatHex(bytes, 0, Math.min(count, bytes.length));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EnvelopeBytes other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "EnvelopeBytes[" + bytes.length + " bytes]";
    }
}
