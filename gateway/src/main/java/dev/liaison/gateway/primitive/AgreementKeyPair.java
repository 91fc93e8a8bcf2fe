package dev.liaison.gateway.primitive;

import dev.liaison.gateway.wire.Bytes;

/**
 * An X25519 key pair (RFC 7748). The private key is the 32 random bytes as generated (clamping
 * happens inside the scalar multiplication), so a serialised pair round-trips exactly.
 */
public record AgreementKeyPair(Bytes privateKey, Bytes publicKey) {
    public static final int KEY_LENGTH = 32;

    public AgreementKeyPair {
        if (privateKey.length() != KEY_LENGTH || publicKey.length() != KEY_LENGTH) {
            throw new IllegalArgumentException("X25519 keys are 32 bytes");
        }
    }
}
