package dev.liaison.gateway.invitation;

import dev.liaison.gateway.Limits;
import dev.liaison.gateway.identity.RelationshipIdentity;
import dev.liaison.gateway.primitive.Agreement;
import dev.liaison.gateway.primitive.AgreementKeyPair;
import dev.liaison.gateway.primitive.Entropy;
import dev.liaison.gateway.primitive.Signing;
import dev.liaison.gateway.ratchet.InvalidRatchetKeyException;
import dev.liaison.gateway.ratchet.Ratchet;
import dev.liaison.gateway.ratchet.RatchetState;
import dev.liaison.gateway.ratchet.SealedMessage;
import dev.liaison.gateway.ratchet.SessionSecrets;
import dev.liaison.gateway.wire.Bytes;
import java.time.Instant;

/**
 * The acceptor's side of a direct exchange: checks the invitation, makes a fresh identity for the
 * relationship, runs X3DH against the inviter's prekeys, starts the ratchet as its initiator and
 * seals the acceptor's profile as the first ratchet message, which doubles as key confirmation.
 */
public final class InvitationAcceptor {
    private final Entropy entropy;
    private final Ratchet ratchet;

    public InvitationAcceptor(Entropy entropy, Ratchet ratchet) {
        this.entropy = entropy;
        this.ratchet = ratchet;
    }

    public Acceptance accept(Invitation invitation, AcceptorProfile profile, Instant now) throws InvitationException {
        if (invitation.isExpiredAt(now)) {
            throw new ExpiredInvitationException("invitation expired at " + invitation.expiry() + " (now " + now
                    + "); ask the inviter for a new one");
        }
        Instant latest = now.plus(Limits.MAX_INVITATION_LIFETIME).plus(Limits.CLOCK_SKEW_ALLOWANCE);
        if (invitation.expiry().isAfter(latest)) {
            throw new MalformedInvitationException("invitation expiry " + invitation.expiry() + " is after " + latest
                    + ", more than " + Limits.MAX_INVITATION_LIFETIME.toDays() + " days (plus "
                    + Limits.CLOCK_SKEW_ALLOWANCE.toMinutes() + " minutes of clock skew) from now; no conforming"
                    + " inviter issues that, so it is refused; ask the inviter for a new one");
        }
        if (!invitation.signatureVerifies()) {
            throw new InvitationSignatureException("inviter's signature over the invitation does not verify");
        }
        RelationshipIdentity identity = RelationshipIdentity.generate(entropy);
        AgreementKeyPair ephemeral = Agreement.generate(entropy);
        int prekeyIndex = 0;
        byte[] invitationHash = invitation.hash();
        SessionSecrets secrets = X3dh.secrets(new byte[][] {
            dh(identity.agreement().privateKey(), invitation.signedPrekey()),
            dh(ephemeral.privateKey(), invitation.inviter().agreementKey()),
            dh(ephemeral.privateKey(), invitation.signedPrekey()),
            dh(ephemeral.privateKey(), invitation.oneTimePrekeys().get(prekeyIndex))},
                invitationHash, identity.publicIdentity(), invitation.inviter());
        RatchetState initial = initiate(secrets, invitation.signedPrekey());
        SealedMessage first = ratchet.seal(initial, profile.encode());
        byte[] signed = sign(identity, invitationHash, new KeyAgreementMessage(invitation.id(), prekeyIndex,
                ephemeral.publicKey(), identity.publicIdentity(), first.message(), Bytes.empty()));
        if (signed.length > Limits.MAX_KEY_AGREEMENT_BYTES) {
            // Refused here, before anything is persisted, rather than by the inviter's decoder.
            throw new MalformedKeyAgreementException("key agreement of " + signed.length + " bytes exceeds "
                    + Limits.MAX_KEY_AGREEMENT_BYTES + "; offer fewer routes or addresses in the profile");
        }
        return new Acceptance(identity, first.state(), Bytes.of(signed));
    }

    private static byte[] sign(RelationshipIdentity identity, byte[] invitationHash, KeyAgreementMessage unsigned) {
        byte[] signature = Signing.sign(identity.signing(),
                KeyAgreementMessage.signedContent(invitationHash, unsigned.unsignedEncoding()));
        return new KeyAgreementMessage(unsigned.invitationId(), unsigned.oneTimePrekeyIndex(), unsigned.ephemeralKey(),
                unsigned.acceptor(), unsigned.initialMessage(), Bytes.of(signature)).encode();
    }

    private RatchetState initiate(SessionSecrets secrets, Bytes inviterPrekey) throws InvitationException {
        try {
            return ratchet.initiate(secrets, inviterPrekey);
        } catch (InvalidRatchetKeyException e) {
            throw new InvitationSignatureException("inviter's signed prekey is a low-order point; invitation unusable");
        }
    }

    private static byte[] dh(Bytes privateKey, Bytes publicKey) throws InvitationSignatureException {
        return X3dh.dh(privateKey, publicKey).orElseThrow(() -> new InvitationSignatureException(
                "an inviter key is a low-order point; invitation unusable"));
    }
}
