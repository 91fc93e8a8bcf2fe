package dev.liaison.gateway.primitive;

import dev.liaison.gateway.wire.Bytes;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Pure Ed25519 (RFC 8032, no context) through BouncyCastle's low-level code: verification is
 * about eight times faster than the JDK 17 provider. Every signed message starts with a label from
 * {@link Labels}, so a signature made for one structure is never valid for another.
 */
public final class Signing {
    public static final int SIGNATURE_LENGTH = Ed25519.SIGNATURE_SIZE;

    private Signing() {
    }

    public static SigningKeyPair generate(Entropy entropy) {
        byte[] privateKey = entropy.bytes(Ed25519.SECRET_KEY_SIZE);
        byte[] publicKey = new byte[Ed25519.PUBLIC_KEY_SIZE];
        Ed25519.generatePublicKey(privateKey, 0, publicKey, 0);
        return new SigningKeyPair(Bytes.of(privateKey), Bytes.of(publicKey));
    }

    public static byte[] sign(SigningKeyPair key, byte[] message) {
        byte[] signature = new byte[SIGNATURE_LENGTH];
        Ed25519.sign(key.privateKey().toByteArray(), 0, key.publicKey().toByteArray(), 0,
                message, 0, message.length, signature, 0);
        return signature;
    }

    /** False for a wrong signature and for a public key that is not a valid point. */
    public static boolean verify(Bytes publicKey, byte[] signature, byte[] message) {
        if (signature.length != SIGNATURE_LENGTH || publicKey.length() != Ed25519.PUBLIC_KEY_SIZE) {
            return false;
        }
        return Ed25519.verify(signature, 0, publicKey.toByteArray(), 0, message, 0, message.length);
    }
}
