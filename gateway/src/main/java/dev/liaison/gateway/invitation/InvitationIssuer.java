package dev.liaison.gateway.invitation;

import dev.liaison.gateway.Limits;
import dev.liaison.gateway.address.DeliveryRoute;
import dev.liaison.gateway.identity.RelationshipIdentity;
import dev.liaison.gateway.primitive.Agreement;
import dev.liaison.gateway.primitive.AgreementKeyPair;
import dev.liaison.gateway.primitive.Entropy;
import dev.liaison.gateway.primitive.Signing;
import dev.liaison.gateway.ratchet.OpenedMessage;
import dev.liaison.gateway.ratchet.Ratchet;
import dev.liaison.gateway.ratchet.RatchetException;
import dev.liaison.gateway.ratchet.RatchetState;
import dev.liaison.gateway.ratchet.SessionSecrets;
import dev.liaison.gateway.wire.Bytes;
import dev.liaison.gateway.wire.WireFormatException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The inviter's side of a direct exchange: issues a signed single-use invitation with fresh keys,
 * and completes it when the acceptor's key agreement arrives. Completion checks, in order: unused,
 * unexpired, well-formed, for this invitation, signed by the acceptor, and key-confirmed by the
 * first ratchet message opening; only then does it return a session and the used invitation.
 */
public final class InvitationIssuer {
    private final Entropy entropy;
    private final Ratchet ratchet;

    public InvitationIssuer(Entropy entropy, Ratchet ratchet) {
        this.entropy = entropy;
        this.ratchet = ratchet;
    }

    public PendingInvitation issue(String displayName, List<DeliveryRoute> routes, Instant now, Duration lifetime) {
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(Limits.MAX_INVITATION_LIFETIME) > 0) {
            throw new IllegalArgumentException("invitation lifetime " + lifetime + " must be positive and at most "
                    + Limits.MAX_INVITATION_LIFETIME);
        }
        RelationshipIdentity identity = RelationshipIdentity.generate(entropy);
        AgreementKeyPair signedPrekey = Agreement.generate(entropy);
        AgreementKeyPair oneTimePrekey = Agreement.generate(entropy);
        Bytes id = Bytes.of(entropy.bytes(Invitation.ID_LENGTH));
        Instant expiry = Instant.ofEpochSecond(now.plus(lifetime).getEpochSecond());
        byte[] unsigned = Invitation.unsignedEncoding(id, expiry, identity.publicIdentity(), signedPrekey.publicKey(),
                List.of(oneTimePrekey.publicKey()), displayName, routes);
        byte[] signature = Signing.sign(identity.signing(), Invitation.signedContent(unsigned));
        Invitation invitation = new Invitation(id, expiry, identity.publicIdentity(), signedPrekey.publicKey(),
                List.of(oneTimePrekey.publicKey()), displayName, routes, Bytes.of(signature));
        if (invitation.encode().length > Limits.MAX_INVITATION_BYTES) {
            throw new IllegalArgumentException("invitation would be " + invitation.encode().length
                    + " bytes, over " + Limits.MAX_INVITATION_BYTES + "; list fewer routes or addresses");
        }
        return new PendingInvitation(invitation, identity, signedPrekey, List.of(oneTimePrekey), false);
    }

    public Completion complete(PendingInvitation pending, byte[] keyAgreement, Instant now) throws InvitationException {
        Invitation invitation = pending.invitation();
        if (pending.used()) {
            throw new InvitationAlreadyUsedException("invitation was already accepted; second key agreement refused");
        }
        if (invitation.isExpiredAt(now)) {
            throw new ExpiredInvitationException("invitation expired at " + invitation.expiry() + " (now " + now
                    + "); key agreement refused");
        }
        KeyAgreementMessage message = KeyAgreementMessage.decode(keyAgreement);
        checkAddressedHere(invitation, message);
        byte[] invitationHash = invitation.hash();
        if (!message.signatureVerifies(invitationHash)) {
            throw new KeyAgreementAuthenticationException("acceptor's signature over the key agreement does not"
                    + " verify for this invitation; refused");
        }
        SessionSecrets secrets = X3dh.secrets(dhOutputs(pending, message), invitationHash, message.acceptor(),
                invitation.inviter());
        OpenedMessage first = openFirst(ratchet.respond(secrets, pending.signedPrekey()), message);
        return new Completion(pending.markUsed(), first.state(), message.acceptor(), profile(first));
    }

    private static void checkAddressedHere(Invitation invitation, KeyAgreementMessage message)
            throws InvitationException {
        if (!message.invitationId().equals(invitation.id())) {
            throw new KeyAgreementMismatchException("key agreement names another invitation; refused");
        }
        if (message.oneTimePrekeyIndex() >= invitation.oneTimePrekeys().size()) {
            throw new MalformedKeyAgreementException("one-time prekey index " + message.oneTimePrekeyIndex()
                    + " but the invitation has " + invitation.oneTimePrekeys().size());
        }
    }

    private static byte[][] dhOutputs(PendingInvitation pending, KeyAgreementMessage message)
            throws KeyAgreementAuthenticationException {
        AgreementKeyPair prekey = pending.signedPrekey();
        Bytes ephemeral = message.ephemeralKey();
        return new byte[][] {
            dh(prekey.privateKey(), message.acceptor().agreementKey()),
            dh(pending.identity().agreement().privateKey(), ephemeral),
            dh(prekey.privateKey(), ephemeral),
            dh(pending.oneTimePrekeys().get(message.oneTimePrekeyIndex()).privateKey(), ephemeral)};
    }

    private OpenedMessage openFirst(RatchetState responder, KeyAgreementMessage message)
            throws KeyAgreementAuthenticationException {
        try {
            return ratchet.open(responder, message.initialMessage().toByteArray());
        } catch (RatchetException e) {
            throw new KeyAgreementAuthenticationException("first ratchet message does not open with the agreed keys"
                    + " (key confirmation failed): " + e.getMessage());
        }
    }

    private static AcceptorProfile profile(OpenedMessage first) throws MalformedKeyAgreementException {
        try {
            return AcceptorProfile.decode(first.plaintext().toByteArray());
        } catch (WireFormatException e) {
            throw new MalformedKeyAgreementException("acceptor profile: " + e.getMessage());
        }
    }

    private static byte[] dh(Bytes privateKey, Bytes publicKey) throws KeyAgreementAuthenticationException {
        return X3dh.dh(privateKey, publicKey).orElseThrow(() -> new KeyAgreementAuthenticationException(
                "acceptor key is a low-order point; key agreement refused"));
    }
}
