package dev.liaison.gateway.address;

import dev.liaison.gateway.primitive.Hpke;
import dev.liaison.gateway.primitive.Labels;
import dev.liaison.gateway.primitive.Signing;
import dev.liaison.gateway.wire.Bytes;
import dev.liaison.gateway.wire.WireReader;
import dev.liaison.gateway.wire.WireWriter;
import java.time.Instant;

/**
 * A recipient-diversified address with the recipient's signature (the seed's RDAS): the key
 * generation {@code j}, the root address sealed to that generation's key, an expiry, and an Ed25519
 * signature by the address-signing key the user registered at its receiving service. This is what
 * a user hands to a correspondent; the correspondent diversifies it again for every message.
 */
public record SignedAddress(int generation, Bytes sealedRoot, Instant expiry, Bytes signature) {
    public static final int SEALED_ROOT_LENGTH = Hpke.ENCAPSULATION_LENGTH + RootAddress.LENGTH + Hpke.TAG_LENGTH;
    public static final int ENCODED_LENGTH = 4 + SEALED_ROOT_LENGTH + 8 + Signing.SIGNATURE_LENGTH;

    public SignedAddress {
        if (generation < 1) {
            throw new IllegalArgumentException("key generations start at 1, got " + generation);
        }
        if (sealedRoot.length() != SEALED_ROOT_LENGTH || signature.length() != Signing.SIGNATURE_LENGTH) {
            throw new IllegalArgumentException("sealed root or signature has the wrong length");
        }
        if (expiry.getNano() != 0 || expiry.getEpochSecond() < 0) {
            throw new IllegalArgumentException("expiry must be whole, non-negative epoch seconds: " + expiry);
        }
    }

    /** The recipient-diversified address alone: {@code u32 generation || sealedRoot}. */
    public byte[] recipientDiversified() {
        return new WireWriter(4 + SEALED_ROOT_LENGTH).u32(generation).bytes(sealedRoot).toByteArray();
    }

    /** What the signature covers: label, the recipient-diversified address, the expiry. */
    public byte[] signedContent() {
        return signedContent(generation, sealedRoot, expiry);
    }

    static byte[] signedContent(int generation, Bytes sealedRoot, Instant expiry) {
        return new WireWriter(Labels.ADDRESS_SIGNATURE.length + 12 + SEALED_ROOT_LENGTH)
                .bytes(Labels.ADDRESS_SIGNATURE).u32(generation).bytes(sealedRoot)
                .u64(expiry.getEpochSecond()).toByteArray();
    }

    public boolean isExpiredAt(Instant now) {
        return !now.isBefore(expiry);
    }

    public byte[] encode() {
        WireWriter writer = new WireWriter(ENCODED_LENGTH);
        writeTo(writer);
        return writer.toByteArray();
    }

    public void writeTo(WireWriter writer) {
        writer.u32(generation).bytes(sealedRoot).u64(expiry.getEpochSecond()).bytes(signature);
    }

    /** Reads one address; layout violations surface as {@link dev.liaison.gateway.wire.WireFormatException}. */
    public static SignedAddress readFrom(WireReader reader) {
        int generation = reader.u32(Integer.MAX_VALUE, "address key generation");
        Bytes sealedRoot = reader.fixed(SEALED_ROOT_LENGTH, "sealed root address");
        Instant expiry = reader.instant("address expiry");
        Bytes signature = reader.fixed(Signing.SIGNATURE_LENGTH, "address signature");
        if (generation < 1) {
            throw new dev.liaison.gateway.wire.WireFormatException("address generation " + generation + " is not >= 1");
        }
        return new SignedAddress(generation, sealedRoot, expiry, signature);
    }

    public static SignedAddress decode(byte[] encoded) throws MalformedAddressException {
        try {
            WireReader reader = new WireReader(encoded);
            SignedAddress address = readFrom(reader);
            reader.expectEnd("signed address");
            return address;
        } catch (dev.liaison.gateway.wire.WireFormatException e) {
            throw new MalformedAddressException("signed address: " + e.getMessage());
        }
    }
}
