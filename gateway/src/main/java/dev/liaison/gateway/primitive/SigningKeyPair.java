package dev.liaison.gateway.primitive;

import dev.liaison.gateway.wire.Bytes;

/** An Ed25519 key pair (RFC 8032): the 32-byte seed and the 32-byte encoded public key. */
public record SigningKeyPair(Bytes privateKey, Bytes publicKey) {
    public static final int KEY_LENGTH = 32;

    public SigningKeyPair {
        if (privateKey.length() != KEY_LENGTH || publicKey.length() != KEY_LENGTH) {
            throw new IllegalArgumentException("Ed25519 keys are 32 bytes");
        }
    }
}
