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
     * {@code content} padded to exactly one bucket with no further encryption, for a key agreement
     * (already encrypted where it matters). Its first byte is 0x00, a ratchet message's is 0x01.
     */
    public static byte[] padToBucket(byte[] content) {
        if (content.length > Limits.MAX_KEY_AGREEMENT_BYTES) {
            throw new IllegalArgumentException("key agreement of " + content.length + " bytes is over the limit "
                    + Limits.MAX_KEY_AGREEMENT_BYTES);
        }
        return padTo(content, bucketFor(content.length + 4));
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
        try {
            WireReader reader = new WireReader(padded);
            int length = reader.u32(MAX_PAYLOAD_BYTES, "payload length");
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
