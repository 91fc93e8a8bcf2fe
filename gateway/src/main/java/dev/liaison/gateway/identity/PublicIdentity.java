package dev.liaison.gateway.identity;

import dev.liaison.gateway.wire.Bytes;

/**
 * What one end of a relationship shows the other: its Ed25519 signing key and X25519 agreement
 * key, both made for this relationship only.
 */
public record PublicIdentity(Bytes signingKey, Bytes agreementKey) {
    public static final int ENCODED_LENGTH = 64;

    public PublicIdentity {
        if (signingKey.length() != 32 || agreementKey.length() != 32) {
            throw new IllegalArgumentException("identity keys are 32 bytes each");
        }
    }

    /** {@code signingKey || agreementKey}, the order every transcript and layout uses. */
    public byte[] encode() {
        byte[] encoded = new byte[ENCODED_LENGTH];
        signingKey.copyTo(encoded, 0);
        agreementKey.copyTo(encoded, 32);
        return encoded;
    }
}
