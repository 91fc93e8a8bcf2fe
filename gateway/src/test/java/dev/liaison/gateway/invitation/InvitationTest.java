package dev.liaison.gateway.invitation;

import static dev.liaison.gateway.ProtocolFixture.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import dev.liaison.gateway.ProtocolFixture;
import dev.liaison.gateway.identity.PublicIdentity;
import dev.liaison.gateway.primitive.Signing;
import dev.liaison.gateway.primitive.SigningKeyPair;
import dev.liaison.gateway.ratchet.OpenedMessage;
import dev.liaison.gateway.ratchet.SealedMessage;
import dev.liaison.gateway.wire.Bytes;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class InvitationTest {
    private final ProtocolFixture ira = new ProtocolFixture("ira");
    private final ProtocolFixture reed = new ProtocolFixture("reed");
    private final InvitationIssuer issuer = new InvitationIssuer(ira.entropy, ira.ratchet);
    private final InvitationAcceptor acceptor = new InvitationAcceptor(reed.entropy, reed.ratchet);
    private final AcceptorProfile reedProfile = new AcceptorProfile("Reed (running club)", List.of(reed.route(2)));

    private PendingInvitation issue() {
        return issuer.issue("Ira from the club", List.of(ira.route(2), ira.route(1)), NOW, Duration.ofDays(7));
    }

    @Test
    void acceptedInvitationGivesBothEndsAWorkingSession() throws Exception {
        PendingInvitation pending = issue();
        Invitation received = InvitationCodec.fromToken(InvitationCodec.token(pending.invitation()));
        assertEquals("Ira from the club", received.displayName());
        Acceptance acceptance = acceptor.accept(received, reedProfile, NOW);
        Completion completion = issuer.complete(pending, acceptance.keyAgreement().toByteArray(), NOW.plusSeconds(60));
        assertEquals(acceptance.identity().publicIdentity(), completion.acceptor());
        assertEquals(reedProfile, completion.profile());
        assertTrue(completion.usedInvitation().used());
        assertNoPrekeyPrivateKeys(pending, completion.usedInvitation());

        SealedMessage fromIra = ira.ratchet.seal(completion.state(), "welcome".getBytes());
        OpenedMessage atReed = reed.ratchet.open(acceptance.state(), fromIra.message().toByteArray());
        assertEquals("welcome", new String(atReed.plaintext().toByteArray()));
        SealedMessage fromReed = reed.ratchet.seal(atReed.state(), "thanks".getBytes());
        assertEquals("thanks", new String(ira.ratchet.open(fromIra.state(), fromReed.message().toByteArray())
                .plaintext().toByteArray()));
    }

    @Test
    void uriAndQrCodeCarryTheSameInvitation() throws Exception {
        Invitation invitation = issue().invitation();
        String uri = InvitationCodec.uri(invitation);
        assertTrue(uri.startsWith("communicator:invitation/"));
        assertEquals(invitation, InvitationCodec.fromUri(uri));
        byte[] png = InvitationQrCode.png(invitation, 400);
        var image = ImageIO.read(new ByteArrayInputStream(png));
        String scanned = new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(
                new BufferedImageLuminanceSource(image)))).getText();
        assertEquals(uri, scanned);
    }

    @Test
    void expiredInvitationCannotBeAcceptedOrCompleted() throws Exception {
        PendingInvitation pending = issue();
        var expiry = pending.invitation().expiry();
        assertThrows(ExpiredInvitationException.class, () -> acceptor.accept(pending.invitation(), reedProfile, expiry));
        Acceptance acceptance = acceptor.accept(pending.invitation(), reedProfile, NOW);
        assertThrows(ExpiredInvitationException.class,
                () -> issuer.complete(pending, acceptance.keyAgreement().toByteArray(), expiry));
    }

    @Test
    void invitationIsSingleUse() throws Exception {
        PendingInvitation pending = issue();
        Acceptance first = acceptor.accept(pending.invitation(), reedProfile, NOW);
        Completion completion = issuer.complete(pending, first.keyAgreement().toByteArray(), NOW);
        PendingInvitation used = PendingInvitation.decode(completion.usedInvitation().encode());
        assertThrows(InvitationAlreadyUsedException.class,
                () -> issuer.complete(used, first.keyAgreement().toByteArray(), NOW));
        Acceptance second = new InvitationAcceptor(new ProtocolFixture("other").entropy, reed.ratchet)
                .accept(pending.invitation(), reedProfile, NOW);
        assertThrows(InvitationAlreadyUsedException.class,
                () -> issuer.complete(used, second.keyAgreement().toByteArray(), NOW));
    }

    @Test
    void keyAgreementForAnotherInvitationIsRefused() throws Exception {
        PendingInvitation target = issue();
        PendingInvitation other = issue();
        Acceptance acceptance = acceptor.accept(other.invitation(), reedProfile, NOW);
        assertThrows(KeyAgreementMismatchException.class,
                () -> issuer.complete(target, acceptance.keyAgreement().toByteArray(), NOW));
    }

    @Test
    void everyAlteredByteOfAKeyAgreementIsRefused() throws Exception {
        PendingInvitation pending = issue();
        byte[] agreement = acceptor.accept(pending.invitation(), reedProfile, NOW).keyAgreement().toByteArray();
        for (int i = 0; i < agreement.length; i += 3) {
            byte[] altered = agreement.clone();
            altered[i] ^= 0x04;
            assertThrows(InvitationException.class, () -> issuer.complete(pending, altered, NOW), "byte " + i);
        }
        assertTrue(issuer.complete(pending, agreement, NOW).usedInvitation().used());
    }

    @Test
    void keyAgreementResignedWithAnotherSigningKeyFailsKeyConfirmation() throws Exception {
        PendingInvitation pending = issue();
        KeyAgreementMessage honest = KeyAgreementMessage.decode(
                acceptor.accept(pending.invitation(), reedProfile, NOW).keyAgreement().toByteArray());
        SigningKeyPair mallory = Signing.generate(reed.entropy);
        KeyAgreementMessage swapped = new KeyAgreementMessage(honest.invitationId(), 0, honest.ephemeralKey(),
                new PublicIdentity(mallory.publicKey(), honest.acceptor().agreementKey()), honest.initialMessage(),
                Bytes.empty());
        byte[] signature = Signing.sign(mallory, KeyAgreementMessage.signedContent(pending.invitation().hash(),
                swapped.unsignedEncoding()));
        byte[] forged = new KeyAgreementMessage(swapped.invitationId(), 0, swapped.ephemeralKey(), swapped.acceptor(),
                swapped.initialMessage(), Bytes.of(signature)).encode();
        assertThrows(KeyAgreementAuthenticationException.class, () -> issuer.complete(pending, forged, NOW));
    }

    @Test
    void keyAgreementWithALowOrderEphemeralKeyIsRefused() throws Exception {
        PendingInvitation pending = issue();
        Acceptance acceptance = acceptor.accept(pending.invitation(), reedProfile, NOW);
        KeyAgreementMessage honest = KeyAgreementMessage.decode(acceptance.keyAgreement().toByteArray());
        KeyAgreementMessage lowOrder = new KeyAgreementMessage(honest.invitationId(), 0, Bytes.of(new byte[32]),
                honest.acceptor(), honest.initialMessage(), Bytes.empty());
        byte[] signature = Signing.sign(acceptance.identity().signing(), KeyAgreementMessage.signedContent(
                pending.invitation().hash(), lowOrder.unsignedEncoding()));
        byte[] hostile = new KeyAgreementMessage(lowOrder.invitationId(), 0, lowOrder.ephemeralKey(), lowOrder.acceptor(),
                lowOrder.initialMessage(), Bytes.of(signature)).encode();
        assertThrows(KeyAgreementAuthenticationException.class, () -> issuer.complete(pending, hostile, NOW));
    }

    @Test
    void alteredInvitationIsRefusedOnDecoding() {
        byte[] encoded = issue().invitation().encode();
        for (int i = 0; i < encoded.length; i += 5) {
            byte[] altered = encoded.clone();
            altered[i] ^= 0x10;
            assertThrows(InvitationException.class, () -> InvitationCodec.decode(altered), "byte " + i);
        }
        assertThrows(MalformedInvitationException.class, () -> InvitationCodec.fromToken("not*base64"));
        assertThrows(MalformedInvitationException.class, () -> InvitationCodec.fromUri("mailto:someone"));
    }

    @Test
    void tokenWithPaddingOrNonZeroTrailingBitsIsRefusedAsNonCanonical() throws Exception {
        Invitation invitation = invitationWhoseTokenEndsInAPartialGroup();
        String token = InvitationCodec.token(invitation);
        String padded = java.util.Base64.getUrlEncoder().encodeToString(invitation.encode());
        assertTrue(padded.endsWith("="), padded);
        assertThrows(MalformedInvitationException.class, () -> InvitationCodec.fromToken(padded));
        assertThrows(MalformedInvitationException.class, () -> InvitationCodec.fromUri(InvitationCodec.URI_PREFIX + padded));
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int last = alphabet.indexOf(token.charAt(token.length() - 1));
        String trailingBitSet = token.substring(0, token.length() - 1) + alphabet.charAt(last | 1);
        assertNotEquals(token, trailingBitSet);
        assertThrows(MalformedInvitationException.class, () -> InvitationCodec.fromToken(trailingBitSet));
        assertEquals(invitation, InvitationCodec.fromToken(token));
    }

    /** An invitation whose length is not a multiple of 3, so its base64 has unused bits and would be padded. */
    private Invitation invitationWhoseTokenEndsInAPartialGroup() {
        for (int extra = 0; ; extra++) {
            Invitation invitation = issuer.issue("Ira" + "!".repeat(extra), List.of(ira.route(1)), NOW,
                    Duration.ofDays(1)).invitation();
            if (invitation.encode().length % 3 != 0) {
                return invitation;
            }
        }
    }

    @Test
    void invitationValidForLongerThanTheIssuingLimitIsRefusedByTheAcceptor() throws Exception {
        PendingInvitation longest = issuer.issue("Ira", List.of(ira.route(1)), NOW,
                dev.liaison.gateway.Limits.MAX_INVITATION_LIFETIME);
        Duration allowance = dev.liaison.gateway.Limits.CLOCK_SKEW_ALLOWANCE;
        assertTrue(acceptor.accept(longest.invitation(), reedProfile, NOW.minus(allowance)).keyAgreement().length() > 0);
        var e = assertThrows(MalformedInvitationException.class,
                () -> acceptor.accept(longest.invitation(), reedProfile, NOW.minus(allowance).minusSeconds(1)));
        assertTrue(e.getMessage().contains("30 days") || e.getMessage().contains("PT720H"), e.getMessage());
    }

    @Test
    void everyInvitationHasItsOwnIdentityKeys() {
        Invitation first = issue().invitation();
        Invitation second = issue().invitation();
        assertNotEquals(first.inviter().signingKey(), second.inviter().signingKey());
        assertNotEquals(first.inviter().agreementKey(), second.inviter().agreementKey());
        assertNotEquals(first.id(), second.id());
    }

    @Test
    void pendingInvitationSurvivesEncodingAndHidesKeysInToString() throws Exception {
        PendingInvitation pending = issue();
        assertEquals(pending, PendingInvitation.decode(pending.encode()));
        assertTrue(pending.invitation().encode().length <= dev.liaison.gateway.Limits.MAX_INVITATION_BYTES);
        assertTrue(!pending.toString().contains(pending.identity().signing().privateKey().hex()));
    }

    @Test
    void lifetimeOverTheLimitIsRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> issuer.issue("x", List.of(ira.route(1)), NOW, Duration.ofDays(31)));
    }

    /** Forward secrecy of the first messages: the stored used copy cannot redo the X3DH. */
    private static void assertNoPrekeyPrivateKeys(PendingInvitation before, PendingInvitation used) throws Exception {
        var zero = Bytes.of(new byte[32]);
        assertEquals(zero, used.signedPrekey().privateKey());
        used.oneTimePrekeys().forEach(pair -> assertEquals(zero, pair.privateKey()));
        assertEquals(before.signedPrekey().publicKey(), used.signedPrekey().publicKey());
        String stored = java.util.HexFormat.of().formatHex(used.encode());
        assertTrue(!stored.contains(before.signedPrekey().privateKey().hex()));
        for (var pair : before.oneTimePrekeys()) {
            assertTrue(!stored.contains(pair.privateKey().hex()));
        }
        assertEquals(used, PendingInvitation.decode(used.encode()));
    }

    @Test
    void aStoredUsedInvitationStillHoldingPrekeyPrivateKeysIsRefusedAsCorrupt() throws Exception {
        PendingInvitation pending = issue();
        byte[] tampered = pending.encode();
        tampered[1] = 1; // used flag set, private keys left in place
        assertThrows(MalformedInvitationException.class, () -> PendingInvitation.decode(tampered));
    }

    @Test
    void aProfileTooLargeForOneKeyAgreementIsRefusedByTheAcceptorNotLaterByTheInviter() throws Exception {
        var huge = new AcceptorProfile("Reed", List.of(reed.route(8), reed.route(8), reed.route(8), reed.route(8)));
        var e = assertThrows(MalformedKeyAgreementException.class,
                () -> new InvitationAcceptor(reed.entropy, reed.ratchet).accept(issue().invitation(), huge, NOW));
        assertTrue(e.getMessage().contains("exceeds 4096"), e.getMessage());
    }
}
