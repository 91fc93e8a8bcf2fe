package dev.liaison.gateway.envelope;

import dev.liaison.gateway.Limits;
import dev.liaison.gateway.payload.Payload;
import dev.liaison.gateway.payload.PayloadCodec;
import dev.liaison.gateway.ratchet.Ratchet;
import dev.liaison.gateway.wire.WireFormatException;
import dev.liaison.gateway.wire.WireReader;

/**
 * Pads a payload inside the encryption so the ratchet ciphertext is exactly one of
 * {@link Limits#CIPHERTEXT_BUCKETS}: {@code u32 payload length || payload || zero bytes}. Padding
 * outside the encryption would be removable by anyone; inside it, only the length bucket shows.
 * A key agreement is padded the same way inside its HPKE encryption ({@link EnvelopeSealer#sealKeyAgreement}).
 */
public final class Padding {
    /** The largest payload one envelope carries. */
    public static final int MAX_PAYLOAD_BYTES = Limits.MAX_CIPHERTEXT_BYTES - Ratchet.MESSAGE_OVERHEAD - 4;

    private Padding() {
    }

    /** The ratchet plaintext for {@code payload}: its ratchet message will be exactly one bucket long. */
    public static byte[] pad(byte[] payload) {
        if (payload.length > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes is over the limit "
                    + MAX_PAYLOAD_BYTES + "; send it as an attachment");
        }
        return padTo(payload, bucketFor(payload.length + 4 + Ratchet.MESSAGE_OVERHEAD) - Ratchet.MESSAGE_OVERHEAD);
    }

    /** The padded ratchet plaintext of {@code payload}, encoded straight into its bucket-sized buffer. */
    public static byte[] pad(Payload payload) {
        return PayloadCodec.encodePadded(payload, length -> {
            if (length > MAX_PAYLOAD_BYTES) {
                throw new IllegalArgumentException("payload of " + length + " bytes is over the limit "
                        + MAX_PAYLOAD_BYTES + "; send it as an attachment");
            }
            return bucketFor(length + 4 + Ratchet.MESSAGE_OVERHEAD) - Ratchet.MESSAGE_OVERHEAD;
        });
    }

    /**
     * {@code content} padded to exactly one bucket with no encryption around it.
     *
     * @deprecated no longer part of the protocol: key agreements used to travel like this, readable by
     *     the receiving service; they are now padded inside HPKE by
     *     {@link EnvelopeSealer#sealKeyAgreement} (docs/protocol.md 8.2). Kept only so existing callers
     *     compile; nothing in the protocol core calls it.
     */
    @Deprecated
    public static byte[] padToBucket(byte[] content) {
        if (content.length > Limits.MAX_KEY_AGREEMENT_BYTES) {
            throw new IllegalArgumentException("key agreement of " + content.length + " bytes is over the limit "
                    + Limits.MAX_KEY_AGREEMENT_BYTES);
        }
        return padTo(content, bucketFor(content.length + 4));
    }

    /**
     * The HPKE plaintext of a key agreement, {@code u32 length || key agreement || zero bytes}, sized
     * so that once sealed (kind byte, encapsulated key and tag added) it is exactly one bucket.
     */
    static byte[] padKeyAgreement(byte[] keyAgreement) {
        if (keyAgreement.length > Limits.MAX_KEY_AGREEMENT_BYTES) {
            throw new IllegalArgumentException("key agreement of " + keyAgreement.length + " bytes is over the limit "
                    + Limits.MAX_KEY_AGREEMENT_BYTES);
        }
        int overhead = EnvelopeSealer.KEY_AGREEMENT_OVERHEAD;
        return padTo(keyAgreement, bucketFor(keyAgreement.length + 4 + overhead) - overhead);
    }

    /** Reverses {@link #padKeyAgreement}; a length over the key agreement limit is malformed too. */
    static byte[] unpadKeyAgreement(byte[] padded) throws MalformedPaddingException {
        return java.util.Arrays.copyOfRange(padded, 4, 4 + contentLength(padded, Limits.MAX_KEY_AGREEMENT_BYTES));
    }

    private static int bucketFor(int needed) {
        return Limits.CIPHERTEXT_BUCKETS.stream().filter(size -> size >= needed).findFirst().orElseThrow();
    }

    private static byte[] padTo(byte[] payload, int length) {
        byte[] padded = new byte[length];
        padded[0] = (byte) (payload.length >>> 24);
        padded[1] = (byte) (payload.length >>> 16);
        padded[2] = (byte) (payload.length >>> 8);
        padded[3] = (byte) payload.length;
        System.arraycopy(payload, 0, padded, 4, payload.length);
        return padded;
    }

    /** Reverses {@link #pad} and {@link #padToBucket}: length prefix, content, then only zero bytes. */
    public static byte[] unpad(byte[] padded) throws MalformedPaddingException {
        return java.util.Arrays.copyOfRange(padded, 4, 4 + contentLength(padded));
    }

    /** Checks the padding and returns the length of the content, which starts at offset 4. */
    public static int contentLength(byte[] padded) throws MalformedPaddingException {
        return contentLength(padded, MAX_PAYLOAD_BYTES);
    }

    private static int contentLength(byte[] padded, int maxLength) throws MalformedPaddingException {
        try {
            WireReader reader = new WireReader(padded);
            int length = reader.u32(maxLength, "content length");
            reader.skip(length, "payload");
            for (int i = reader.position(); i < padded.length; i++) {
                if (padded[i] != 0) {
                    throw new MalformedPaddingException("padding byte at offset " + i + " is not zero");
                }
            }
            return length;
        } catch (WireFormatException e) {
            throw new MalformedPaddingException("padding: " + e.getMessage());
        }
    }
}
