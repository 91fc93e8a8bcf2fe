package dev.liaison.gateway.invitation;

import dev.liaison.gateway.Limits;
import dev.liaison.gateway.identity.RelationshipIdentity;
import dev.liaison.gateway.primitive.AgreementKeyPair;
import dev.liaison.gateway.wire.Bytes;
import dev.liaison.gateway.wire.WireFormatException;
import dev.liaison.gateway.wire.WireReader;
import dev.liaison.gateway.wire.WireWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The inviter's private side of an invitation, kept until a key agreement for it arrives: the
 * identity and prekey private keys, and whether it was used. Completing it returns a used copy,
 * which the relay persists in the same transaction as the new session so a replayed key agreement
 * finds it used. The used copy holds no prekey private key (each is 32 zero bytes): kept, they
 * would let whoever later reads the stored copy recompute the X3DH secret from the recorded key
 * agreement (X3DH §4.6: delete one-time prekeys after use). Serialises to versioned bytes;
 * {@link #toString()} shows no keys.
 */
public record PendingInvitation(Invitation invitation, RelationshipIdentity identity, AgreementKeyPair signedPrekey,
                                List<AgreementKeyPair> oneTimePrekeys, boolean used) {
    public static final int FORMAT_VERSION = 1;

    public PendingInvitation {
        oneTimePrekeys = List.copyOf(oneTimePrekeys);
        if (oneTimePrekeys.size() != invitation.oneTimePrekeys().size()) {
            throw new IllegalArgumentException("one private key per published one-time prekey");
        }
    }

    private static final Bytes ERASED = Bytes.of(new byte[AgreementKeyPair.KEY_LENGTH]);

    PendingInvitation markUsed() {
        return new PendingInvitation(invitation, identity, erased(signedPrekey),
                oneTimePrekeys.stream().map(PendingInvitation::erased).toList(), true);
    }

    private static AgreementKeyPair erased(AgreementKeyPair pair) {
        return new AgreementKeyPair(ERASED, pair.publicKey());
    }

    /** A used invitation must hold no prekey private key; a stored one that does is corrupt. */
    private static void checkErased(boolean used, AgreementKeyPair prekey, List<AgreementKeyPair> oneTime)
            throws WireFormatException {
        if (used && (!prekey.privateKey().equals(ERASED)
                || oneTime.stream().anyMatch(pair -> !pair.privateKey().equals(ERASED)))) {
            throw new WireFormatException("a used invitation still holds prekey private keys");
        }
    }

    /** {@code u8 version || u8 used || u16-field invitation || identity || prekey pair || u8 n || n × pair}. */
    public byte[] encode() {
        WireWriter writer = new WireWriter(2400).u8(FORMAT_VERSION).u8(used ? 1 : 0).shortField(invitation.encode());
        identity.writeTo(writer);
        writer.bytes(signedPrekey.privateKey()).bytes(signedPrekey.publicKey()).u8(oneTimePrekeys.size());
        oneTimePrekeys.forEach(pair -> writer.bytes(pair.privateKey()).bytes(pair.publicKey()));
        return writer.toByteArray();
    }

    public static PendingInvitation decode(byte[] encoded) throws InvitationException {
        try {
            WireReader reader = new WireReader(encoded);
            if (reader.u8() != FORMAT_VERSION) {
                throw new WireFormatException("unsupported pending invitation version");
            }
            int used = reader.u8();
            if (used > 1) {
                throw new WireFormatException("used flag " + used);
            }
            Invitation invitation = InvitationCodec.decode(reader.shortField(Limits.MAX_INVITATION_BYTES, "invitation"));
            RelationshipIdentity identity = RelationshipIdentity.readFrom(reader);
            AgreementKeyPair prekey = new AgreementKeyPair(reader.fixed(32, "prekey"), reader.fixed(32, "prekey public"));
            int count = reader.u8();
            if (count > Limits.MAX_ONE_TIME_PREKEYS) {
                throw new WireFormatException(count + " one-time prekeys");
            }
            List<AgreementKeyPair> oneTime = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                oneTime.add(new AgreementKeyPair(reader.fixed(32, "one-time"), reader.fixed(32, "one-time public")));
            }
            reader.expectEnd("pending invitation");
            checkErased(used == 1, prekey, oneTime);
            return new PendingInvitation(invitation, identity, prekey, oneTime, used == 1);
        } catch (WireFormatException | IllegalArgumentException e) {
            throw new MalformedInvitationException("pending invitation: " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "PendingInvitation[expiry=" + invitation.expiry() + ", used=" + used + "]";
    }
}
