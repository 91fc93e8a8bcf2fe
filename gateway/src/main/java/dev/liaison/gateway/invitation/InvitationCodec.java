package dev.liaison.gateway.invitation;

import dev.liaison.gateway.Limits;
import dev.liaison.gateway.address.DeliveryRoute;
import dev.liaison.gateway.identity.PublicIdentity;
import dev.liaison.gateway.wire.Bytes;
import dev.liaison.gateway.wire.WireFormatException;
import dev.liaison.gateway.wire.WireReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Invitations as bytes, as a base64url token (no padding) and as a {@code communicator:} URI.
 * Decoding checks layout, limits and the inviter's signature, so an {@link Invitation} obtained
 * here is well-formed and authentic; expiry is checked on acceptance, against the caller's clock.
 */
public final class InvitationCodec {
    public static final String URI_PREFIX = "communicator:invitation/";
    private static final int MAX_TOKEN_CHARS = (Limits.MAX_INVITATION_BYTES * 4 + 2) / 3;

    private InvitationCodec() {
    }

    public static String token(Invitation invitation) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(invitation.encode());
    }

    public static String uri(Invitation invitation) {
        return URI_PREFIX + token(invitation);
    }

    public static Invitation fromUri(String uri) throws InvitationException {
        if (!uri.startsWith(URI_PREFIX)) {
            throw new MalformedInvitationException("invitation URI must start with " + URI_PREFIX);
        }
        return fromToken(uri.substring(URI_PREFIX.length()));
    }

    public static Invitation fromToken(String token) throws InvitationException {
        if (token.isEmpty()) { // else told as a wire field short of bytes, which says nothing to the one who pasted it
            throw new MalformedInvitationException("the invitation token is empty: give the token or the "
                    + URI_PREFIX + "… link as the inviter sent it");
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            throw new MalformedInvitationException("invitation token is " + token.length()
                    + " characters, over the limit " + MAX_TOKEN_CHARS);
        }
        byte[] encoded;
        try {
            encoded = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            throw new MalformedInvitationException("invitation token is not base64url: " + e.getMessage());
        }
        // Java's decoder also takes '=' padding and non-zero unused bits; one invitation must have one token.
        if (!Base64.getUrlEncoder().withoutPadding().encodeToString(encoded).equals(token)) {
            throw new MalformedInvitationException("invitation token is not canonical unpadded base64url"
                    + " (padding or non-zero trailing bits); copy the token exactly as issued");
        }
        return decode(encoded);
    }

    /** Parses and authenticates; throws {@link MalformedInvitationException} or {@link InvitationSignatureException}. */
    public static Invitation decode(byte[] encoded) throws InvitationException {
        if (encoded.length > Limits.MAX_INVITATION_BYTES) {
            throw new MalformedInvitationException("invitation is " + encoded.length + " bytes, over the limit "
                    + Limits.MAX_INVITATION_BYTES);
        }
        Invitation invitation = parse(encoded);
        if (!invitation.signatureVerifies()) {
            throw new InvitationSignatureException("inviter's signature over the invitation does not verify;"
                    + " ask the inviter for a new invitation");
        }
        return invitation;
    }

    private static Invitation parse(byte[] encoded) throws MalformedInvitationException {
        try {
            WireReader reader = new WireReader(encoded);
            int version = reader.u8();
            if (version != Invitation.FORMAT_VERSION) {
                throw new WireFormatException("version " + version + " is not supported (only "
                        + Invitation.FORMAT_VERSION + ")");
            }
            Bytes id = reader.fixed(Invitation.ID_LENGTH, "invitation id");
            Instant expiry = reader.instant("expiry");
            PublicIdentity inviter = new PublicIdentity(reader.fixed(32, "signing key"), reader.fixed(32, "agreement key"));
            Bytes signedPrekey = reader.fixed(32, "signed prekey");
            List<Bytes> oneTimePrekeys = readPrekeys(reader);
            String displayName = reader.utf8(Limits.MAX_DISPLAY_NAME_BYTES, "display name");
            List<DeliveryRoute> routes = DeliveryRoute.readList(reader, 1);
            Bytes signature = reader.fixed(64, "signature");
            reader.expectEnd("invitation");
            return new Invitation(id, expiry, inviter, signedPrekey, oneTimePrekeys,
                    displayName, routes, signature);
        } catch (WireFormatException | IllegalArgumentException e) {
            throw new MalformedInvitationException("invitation: " + e.getMessage());
        }
    }

    private static List<Bytes> readPrekeys(WireReader reader) {
        int count = reader.u8();
        if (count < 1 || count > Limits.MAX_ONE_TIME_PREKEYS) {
            throw new WireFormatException(count + " one-time prekeys, allowed 1 to " + Limits.MAX_ONE_TIME_PREKEYS);
        }
        List<Bytes> keys = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            keys.add(reader.fixed(32, "one-time prekey"));
        }
        return keys;
    }
}
