package dev.liaison.gateway.ratchet;

import dev.liaison.gateway.primitive.Kdf;
import dev.liaison.gateway.primitive.Labels;

/** The two KDF chains of the Double Ratchet, as recommended in section 5.2 of the specification. */
final class RatchetKdf {
    private static final byte[] MESSAGE_KEY_INPUT = {0x01};
    private static final byte[] CHAIN_KEY_INPUT = {0x02};

    private RatchetKdf() {
    }

    /** KDF_RK_HE: HKDF(salt = root key, ikm = DH output) → new root key, chain key, next header key. */
    static byte[][] root(byte[] rootKey, byte[] dhOutput) {
        byte[] output = Kdf.hkdf(rootKey, dhOutput, Labels.RATCHET_ROOT, 96);
        return new byte[][] {
            java.util.Arrays.copyOfRange(output, 0, 32),
            java.util.Arrays.copyOfRange(output, 32, 64),
            java.util.Arrays.copyOfRange(output, 64, 96)};
    }

    /** KDF_CK: message key = HMAC(ck, 0x01), next chain key = HMAC(ck, 0x02). */
    static byte[][] chain(byte[] chainKey) {
        return new byte[][] {Kdf.hmac(chainKey, MESSAGE_KEY_INPUT), Kdf.hmac(chainKey, CHAIN_KEY_INPUT)};
    }

    /**
     * The body's AES-256-GCM key and nonce: HKDF(salt = 32 zero bytes, ikm = message key,
     * info = label || header nonce), 44 bytes. The random header nonce in the info means that
     * sealing twice at one chain position (a retried transaction after a rollback) still never
     * reuses a GCM key and nonce, which would be fatal; the receiver reads the nonce from the header.
     */
    static byte[] bodyKeyAndNonce(byte[] messageKey, byte[] headerNonce) {
        byte[] info = java.util.Arrays.copyOf(Labels.RATCHET_MESSAGE_KEY, Labels.RATCHET_MESSAGE_KEY.length + headerNonce.length);
        System.arraycopy(headerNonce, 0, info, Labels.RATCHET_MESSAGE_KEY.length, headerNonce.length);
        return Kdf.hkdf(new byte[32], messageKey, info, 44);
    }
}
