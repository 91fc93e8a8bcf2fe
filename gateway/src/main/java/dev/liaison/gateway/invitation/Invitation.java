package dev.liaison.gateway.invitation;

import dev.liaison.gateway.Limits;
import dev.liaison.gateway.address.DeliveryRoute;
import dev.liaison.gateway.identity.PublicIdentity;
import dev.liaison.gateway.primitive.Kdf;
import dev.liaison.gateway.primitive.Labels;
import dev.liaison.gateway.primitive.Signing;
import dev.liaison.gateway.wire.Bytes;
import dev.liaison.gateway.wire.WireWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * A signed, single-use relationship invitation (direct exchange): the inviter's identity keys for
 * this relationship, a signed prekey, one-time prekeys, delivery routes with the inviter's signed
 * addresses, the display name for this relationship, and an expiry. The whole structure is signed
 * by the inviter's identity signing key, which signs the prekey with it.
 */
public record Invitation(Bytes id, Instant expiry, PublicIdentity inviter, Bytes signedPrekey,
                         List<Bytes> oneTimePrekeys, String displayName, List<DeliveryRoute> routes,
                         Bytes signature) {
    public static final int FORMAT_VERSION = 1;
    public static final int ID_LENGTH = 16;

    public Invitation {
        oneTimePrekeys = List.copyOf(oneTimePrekeys);
        routes = List.copyOf(routes);
        check(id.length() == ID_LENGTH, "invitation id is " + ID_LENGTH + " bytes");
        check(expiry.getNano() == 0 && expiry.getEpochSecond() >= 0, "expiry is whole epoch seconds");
        check(signedPrekey.length() == 32, "signed prekey is 32 bytes");
        check(!oneTimePrekeys.isEmpty() && oneTimePrekeys.size() <= Limits.MAX_ONE_TIME_PREKEYS,
                "1 to " + Limits.MAX_ONE_TIME_PREKEYS + " one-time prekeys");
        oneTimePrekeys.forEach(key -> check(key.length() == 32, "one-time prekeys are 32 bytes"));
        check(displayName.getBytes(StandardCharsets.UTF_8).length <= Limits.MAX_DISPLAY_NAME_BYTES,
                "display name at most " + Limits.MAX_DISPLAY_NAME_BYTES + " bytes");
        check(!routes.isEmpty() && routes.size() <= Limits.MAX_DELIVERY_ROUTES,
                "1 to " + Limits.MAX_DELIVERY_ROUTES + " routes");
        check(signature.length() == Signing.SIGNATURE_LENGTH, "signature is 64 bytes");
    }

    private static void check(boolean condition, String rule) {
        if (!condition) {
            throw new IllegalArgumentException("invalid invitation: " + rule);
        }
    }

    /** Everything the signature covers, without the label: the encoding minus the signature. */
    byte[] unsignedEncoding() {
        return unsignedEncoding(id, expiry, inviter, signedPrekey, oneTimePrekeys, displayName, routes);
    }

    static byte[] unsignedEncoding(Bytes id, Instant expiry, PublicIdentity inviter, Bytes signedPrekey,
                                   List<Bytes> oneTimePrekeys, String displayName, List<DeliveryRoute> routes) {
        WireWriter writer = new WireWriter(1024).u8(FORMAT_VERSION).bytes(id).u64(expiry.getEpochSecond())
                .bytes(inviter.encode()).bytes(signedPrekey).u8(oneTimePrekeys.size());
        oneTimePrekeys.forEach(writer::bytes);
        writer.utf8(displayName);
        DeliveryRoute.writeList(writer, routes);
        return writer.toByteArray();
    }

    static byte[] signedContent(byte[] unsigned) {
        byte[] content = new byte[Labels.INVITATION_SIGNATURE.length + unsigned.length];
        System.arraycopy(Labels.INVITATION_SIGNATURE, 0, content, 0, Labels.INVITATION_SIGNATURE.length);
        System.arraycopy(unsigned, 0, content, Labels.INVITATION_SIGNATURE.length, unsigned.length);
        return content;
    }

    /** The exact bytes that the token, the URI and the QR code carry. */
    public byte[] encode() {
        return new WireWriter(1100).bytes(unsignedEncoding()).bytes(signature).toByteArray();
    }

    /** SHA-256 of {@link #encode()}: what a key agreement binds itself to. */
    public byte[] hash() {
        return Kdf.sha256(encode());
    }

    public boolean isExpiredAt(Instant now) {
        return !now.isBefore(expiry);
    }

    public boolean signatureVerifies() {
        return Signing.verify(inviter.signingKey(), signature.toByteArray(), signedContent(unsignedEncoding()));
    }
}
