package dev.liaison.gateway.envelope;

import dev.liaison.gateway.Limits;
import dev.liaison.gateway.address.DiversifiedAddress;
import dev.liaison.gateway.wire.Bytes;
import dev.liaison.gateway.wire.WireFormatException;
import dev.liaison.gateway.wire.WireReader;
import dev.liaison.gateway.wire.WireWriter;

/**
 * Envelope bytes: {@code u8 version || u32 key generation || u16 length || sealed address ||
 * u32 length || ciphertext}. The receiving service decodes this from a hostile peer: the size is
 * capped before parsing and every length is checked against the fixed sizes it must have.
 */
public final class EnvelopeCodec {
    public static final int VERSION = 1;
    /** Bytes an envelope adds around its ciphertext. */
    public static final int OVERHEAD = 1 + 4 + 2 + DiversifiedAddress.SEALED_LENGTH + 4;

    private EnvelopeCodec() {
    }

    public static byte[] encode(Envelope envelope) {
        return new WireWriter(OVERHEAD + envelope.ciphertext().length()).u8(VERSION)
                .u32(envelope.address().generation()).u16(envelope.address().sealed().length())
                .bytes(envelope.address().sealed())
                .u32(envelope.ciphertext().length()).bytes(envelope.ciphertext()).toByteArray();
    }

    public static Envelope decode(byte[] encoded) throws EnvelopeException {
        if (encoded.length > Limits.MAX_ENVELOPE_BYTES) {
            throw new EnvelopeTooLargeException("envelope is " + encoded.length + " bytes, over the limit "
                    + Limits.MAX_ENVELOPE_BYTES + "; send large content as an attachment");
        }
        try {
            WireReader reader = new WireReader(encoded);
            int version = reader.u8();
            if (version != VERSION) {
                throw new UnsupportedEnvelopeVersionException("envelope version " + version
                        + " is not supported (only " + VERSION + ")");
            }
            int generation = reader.u32(Integer.MAX_VALUE, "key generation");
            byte[] sealed = reader.shortField(DiversifiedAddress.SEALED_LENGTH, "diversified address");
            byte[] ciphertext = reader.longField(Limits.MAX_CIPHERTEXT_BYTES, "ciphertext");
            reader.expectEnd("envelope");
            return new Envelope(new DiversifiedAddress(generation, Bytes.adopt(sealed)), Bytes.adopt(ciphertext));
        } catch (WireFormatException | IllegalArgumentException e) {
            throw new MalformedEnvelopeException("envelope: " + e.getMessage());
        }
    }
}
