package dev.liaison.gateway.invitation;

import dev.liaison.gateway.Limits;
import dev.liaison.gateway.identity.PublicIdentity;
import dev.liaison.gateway.primitive.Labels;
import dev.liaison.gateway.primitive.Signing;
import dev.liaison.gateway.wire.Bytes;
import dev.liaison.gateway.wire.WireFormatException;
import dev.liaison.gateway.wire.WireReader;
import dev.liaison.gateway.wire.WireWriter;

/**
 * The acceptor's initial message (X3DH's "initial message"): which invitation and one-time prekey
 * it answers, the acceptor's ephemeral key and identity, the first ratchet message (carrying the
 * acceptor's profile), and the acceptor's signature over all of it and the invitation's hash.
 */
record KeyAgreementMessage(Bytes invitationId, int oneTimePrekeyIndex, Bytes ephemeralKey, PublicIdentity acceptor,
                           Bytes initialMessage, Bytes signature) {
    static final int FORMAT_VERSION = 1;

    byte[] unsignedEncoding() {
        return new WireWriter(160 + initialMessage.length()).u8(FORMAT_VERSION).bytes(invitationId)
                .u8(oneTimePrekeyIndex).bytes(ephemeralKey).bytes(acceptor.encode())
                .u32(initialMessage.length()).bytes(initialMessage).toByteArray();
    }

    static byte[] signedContent(byte[] invitationHash, byte[] unsigned) {
        return new WireWriter(Labels.ACCEPTANCE_SIGNATURE.length + 32 + unsigned.length)
                .bytes(Labels.ACCEPTANCE_SIGNATURE).bytes(invitationHash).bytes(unsigned).toByteArray();
    }

    byte[] encode() {
        return new WireWriter(256 + initialMessage.length()).bytes(unsignedEncoding()).bytes(signature).toByteArray();
    }

    boolean signatureVerifies(byte[] invitationHash) {
        return Signing.verify(acceptor.signingKey(), signature.toByteArray(),
                signedContent(invitationHash, unsignedEncoding()));
    }

    static KeyAgreementMessage decode(byte[] encoded) throws MalformedKeyAgreementException {
        if (encoded.length > Limits.MAX_KEY_AGREEMENT_BYTES) {
            throw new MalformedKeyAgreementException("key agreement is " + encoded.length
                    + " bytes, over the limit " + Limits.MAX_KEY_AGREEMENT_BYTES);
        }
        try {
            WireReader reader = new WireReader(encoded);
            int version = reader.u8();
            if (version != FORMAT_VERSION) {
                throw new WireFormatException("version " + version + " is not supported (only " + FORMAT_VERSION + ")");
            }
            Bytes id = reader.fixed(Invitation.ID_LENGTH, "invitation id");
            int index = reader.u8();
            Bytes ephemeral = reader.fixed(32, "ephemeral key");
            PublicIdentity acceptor = new PublicIdentity(reader.fixed(32, "signing key"), reader.fixed(32, "agreement key"));
            Bytes initial = Bytes.of(reader.longField(Limits.MAX_KEY_AGREEMENT_BYTES, "initial message"));
            Bytes signature = reader.fixed(Signing.SIGNATURE_LENGTH, "signature");
            reader.expectEnd("key agreement");
            return new KeyAgreementMessage(id, index, ephemeral, acceptor, initial, signature);
        } catch (WireFormatException e) {
            throw new MalformedKeyAgreementException("key agreement: " + e.getMessage());
        }
    }
}
