package dev.liaison.gateway.ratchet;

import dev.liaison.gateway.primitive.Aead;
import dev.liaison.gateway.wire.Bytes;
import dev.liaison.gateway.wire.WireFormatException;
import java.util.Arrays;
import java.util.Optional;

/**
 * The wire form of one ratchet message: {@code u8 version || 12 header nonce || 56 encrypted header
 * || body ciphertext with tag}. The body's associated data is the session AD followed by everything
 * before the body, which binds the body to its header as HENCRYPT/ENCRYPT do in the specification.
 */
final class RatchetMessage {
    static final int VERSION = 1;
    static final int ENCRYPTED_HEADER_LENGTH = MessageHeader.LENGTH + Aead.TAG_LENGTH;
    static final int PREFIX_LENGTH = 1 + Aead.NONCE_LENGTH + ENCRYPTED_HEADER_LENGTH;
    /** Bytes a message adds to its plaintext. */
    static final int OVERHEAD = PREFIX_LENGTH + Aead.TAG_LENGTH;

    private final byte[] message;

    private RatchetMessage(byte[] message) {
        this.message = message;
    }

    static RatchetMessage parse(byte[] message) throws MalformedMessageException {
        if (message.length < OVERHEAD) {
            throw new MalformedMessageException("ratchet message is " + message.length
                    + " bytes, shorter than the minimum " + OVERHEAD);
        }
        if (message[0] != VERSION) {
            throw new MalformedMessageException("ratchet message version " + (message[0] & 0xff)
                    + " is not supported (only " + VERSION + ")");
        }
        return new RatchetMessage(message);
    }

    static byte[] seal(byte[] headerKey, byte[] nonce, MessageHeader header, byte[] messageKey,
                       byte[] associatedData, byte[] plaintext) {
        byte[] encryptedHeader = Aead.seal(headerKey, nonce, associatedData, header.encode());
        byte[] out = new byte[PREFIX_LENGTH + plaintext.length + Aead.TAG_LENGTH];
        out[0] = VERSION;
        System.arraycopy(nonce, 0, out, 1, Aead.NONCE_LENGTH);
        System.arraycopy(encryptedHeader, 0, out, 1 + Aead.NONCE_LENGTH, ENCRYPTED_HEADER_LENGTH);
        byte[] keyAndNonce = RatchetKdf.bodyKeyAndNonce(messageKey, nonce);
        Aead.sealInto(Arrays.copyOf(keyAndNonce, 32), Arrays.copyOfRange(keyAndNonce, 32, 44),
                bodyAssociatedData(associatedData, out), plaintext, out, PREFIX_LENGTH);
        return out;
    }

    /** The header if {@code headerKey} opens it; empty for an absent key or a failed tag. */
    Optional<MessageHeader> openHeader(Bytes headerKey, byte[] associatedData) {
        if (headerKey.isEmpty()) {
            return Optional.empty();
        }
        byte[] nonce = Arrays.copyOfRange(message, 1, 1 + Aead.NONCE_LENGTH);
        return Aead.open(headerKey.toByteArray(), nonce, associatedData, message, 1 + Aead.NONCE_LENGTH,
                        ENCRYPTED_HEADER_LENGTH)
                .map(RatchetMessage::decodeHeader);
    }

    private static MessageHeader decodeHeader(byte[] plaintext) {
        try {
            return MessageHeader.decode(plaintext);
        } catch (WireFormatException e) {
            // An authenticated header that does not parse came from a broken peer; treat as unopenable.
            return null;
        }
    }

    Optional<byte[]> openBody(byte[] messageKey, byte[] associatedData) {
        byte[] keyAndNonce = RatchetKdf.bodyKeyAndNonce(messageKey, Arrays.copyOfRange(message, 1, 1 + Aead.NONCE_LENGTH));
        return Aead.open(Arrays.copyOf(keyAndNonce, 32), Arrays.copyOfRange(keyAndNonce, 32, 44),
                bodyAssociatedData(associatedData, message), message, PREFIX_LENGTH, message.length - PREFIX_LENGTH);
    }

    private static byte[] bodyAssociatedData(byte[] associatedData, byte[] message) {
        byte[] aad = Arrays.copyOf(associatedData, associatedData.length + PREFIX_LENGTH);
        System.arraycopy(message, 0, aad, associatedData.length, PREFIX_LENGTH);
        return aad;
    }
}
