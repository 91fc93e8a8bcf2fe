package dev.liaison.gateway.envelope;

import static dev.liaison.gateway.ProtocolFixture.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.liaison.gateway.Limits;
import dev.liaison.gateway.ProtocolFixture;
import dev.liaison.gateway.address.AddressResolver;
import dev.liaison.gateway.address.DeliveryRoute;
import dev.liaison.gateway.address.DiversifiedAddress;
import dev.liaison.gateway.address.UnknownKeyGenerationException;
import dev.liaison.gateway.invitation.Acceptance;
import dev.liaison.gateway.invitation.AcceptorProfile;
import dev.liaison.gateway.invitation.Completion;
import dev.liaison.gateway.invitation.InvitationAcceptor;
import dev.liaison.gateway.invitation.InvitationIssuer;
import dev.liaison.gateway.invitation.PendingInvitation;
import dev.liaison.gateway.payload.Payload;
import dev.liaison.gateway.payload.PayloadItem;
import dev.liaison.gateway.ratchet.RatchetException;
import dev.liaison.gateway.ratchet.RatchetState;
import dev.liaison.gateway.wire.Bytes;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnvelopeTest {
    private final ProtocolFixture blair = new ProtocolFixture("blair");
    private final ProtocolFixture alex = new ProtocolFixture("alex");
    private final EnvelopeSealer alexSealer = new EnvelopeSealer(alex.ratchet, alex.diversifier, alex.entropy);
    private final EnvelopeSealer blairSealer = new EnvelopeSealer(blair.ratchet, blair.diversifier, blair.entropy);
    private final PendingInvitation pending = new InvitationIssuer(blair.entropy, blair.ratchet)
            .issue("Blair", List.of(blair.route(2)), NOW, Duration.ofDays(1));
    private final Acceptance acceptance;
    private final Completion completion;

    EnvelopeTest() throws Exception {
        acceptance = new InvitationAcceptor(alex.entropy, alex.ratchet)
                .accept(pending.invitation(), new AcceptorProfile("Alex", List.of(alex.route(2))), NOW);
        completion = new InvitationIssuer(blair.entropy, blair.ratchet)
                .complete(pending, acceptance.keyAgreement().toByteArray(), NOW);
    }

    private SealedEnvelope alexSends(RatchetState state, byte[] email) {
        DeliveryRoute route = pending.invitation().routes().get(0);
        return alexSealer.seal(state, Payload.of(alex.entropy, List.of(new PayloadItem.Email(Bytes.of(email)))),
                route.addresses().get(1), route.serviceKey());
    }

    @Test
    void emailTravelsFromSealerThroughTheReceivingServiceToTheRecipient() throws Exception {
        byte[] email = "From: alex\r\n\r\nhello\r\n".getBytes();
        SealedEnvelope sealed = alexSends(acceptance.state(), email);
        Envelope received = EnvelopeCodec.decode(EnvelopeCodec.encode(sealed.envelope()));
        var resolved = AddressResolver.resolveAndVerify(blair.serviceKeys, received.address(), NOW, blair.directory());
        assertEquals(blair.root, resolved.root());
        assertEquals(pending.invitation().routes().get(0).addresses().get(1), resolved.signedAddress());
        OpenedEnvelope opened = blairSealer.open(completion.state(), received);
        assertEquals(List.of(new PayloadItem.Email(Bytes.of(email))), opened.payload().items());

        DeliveryRoute alexRoute = completion.profile().routes().get(0);
        SealedEnvelope reply = blairSealer.seal(opened.state(), Payload.of(blair.entropy,
                List.of(new PayloadItem.DisplayName("Blair B."))), alexRoute.addresses().get(0), alexRoute.serviceKey());
        var back = AddressResolver.resolveAndVerify(alex.serviceKeys, reply.envelope().address(), NOW, alex.directory());
        assertEquals(alex.root, back.root());
        assertEquals(List.of(new PayloadItem.DisplayName("Blair B.")),
                alexSealer.open(sealed.state(), reply.envelope()).payload().items());
    }

    private Envelope keyAgreementEnvelope(Acceptance accepted, PendingInvitation to) {
        DeliveryRoute route = to.invitation().routes().get(0);
        return alexSealer.sealKeyAgreement(accepted.keyAgreement(), to.invitation().signedPrekey(),
                route.addresses().get(0), route.serviceKey());
    }

    @Test
    void keyAgreementTravelsInAnEnvelopeAndIsToldApartFromRatchetMessages() throws Exception {
        Envelope received = EnvelopeCodec.decode(EnvelopeCodec.encode(keyAgreementEnvelope(acceptance, pending)));
        assertEquals(blair.root, AddressResolver.resolveAndVerify(blair.serviceKeys, received.address(), NOW,
                blair.directory()).root());
        assertTrue(received.carriesKeyAgreement());
        assertEquals(1024, received.ciphertext().length());
        byte[] agreement = EnvelopeSealer.openKeyAgreement(received, pending.signedPrekey());
        assertEquals(acceptance.keyAgreement(), Bytes.of(agreement));
        Completion completed = new InvitationIssuer(blair.entropy, blair.ratchet).complete(pending, agreement, NOW);
        assertEquals(acceptance.identity().publicIdentity(), completed.acceptor());
        Envelope later = alexSends(acceptance.state(), "x".getBytes()).envelope();
        assertTrue(!later.carriesKeyAgreement());
        assertThrows(MalformedPaddingException.class,
                () -> EnvelopeSealer.openKeyAgreement(later, pending.signedPrekey()));
    }

    @Test
    void keyAgreementEnvelopeOpensOnlyWithItsInvitationsSignedPrekey() throws Exception {
        PendingInvitation other = new InvitationIssuer(blair.entropy, blair.ratchet)
                .issue("Blair", List.of(blair.route(1)), NOW, Duration.ofDays(1));
        Envelope envelope = keyAgreementEnvelope(acceptance, pending);
        assertThrows(UndecryptableKeyAgreementException.class,
                () -> EnvelopeSealer.openKeyAgreement(envelope, other.signedPrekey()));
        byte[] ciphertext = envelope.ciphertext().toByteArray();
        for (int i = 1; i < ciphertext.length; i += 61) {
            byte[] altered = ciphertext.clone();
            altered[i] ^= 0x08;
            Envelope tampered = new Envelope(envelope.address(), Bytes.of(altered));
            assertThrows(UndecryptableKeyAgreementException.class,
                    () -> EnvelopeSealer.openKeyAgreement(tampered, pending.signedPrekey()), "byte " + i);
        }
        assertEquals(acceptance.keyAgreement(), Bytes.of(EnvelopeSealer.openKeyAgreement(envelope, pending.signedPrekey())));
    }

    @Test
    void aUsedInvitationsErasedPrekeyIsRefusedAsMisuseNotTriedAsAKey() {
        Envelope envelope = keyAgreementEnvelope(acceptance, pending);
        var e = assertThrows(IllegalArgumentException.class,
                () -> EnvelopeSealer.openKeyAgreement(envelope, completion.usedInvitation().signedPrekey()));
        assertTrue(e.getMessage().contains("already used"), e.getMessage());
    }

    @Test
    void keyAgreementEnvelopesFillTheirBucketExactlyUpToTheKeyAgreementLimit() throws Exception {
        DeliveryRoute route = pending.invitation().routes().get(0);
        Bytes prekey = pending.invitation().signedPrekey();
        int fitsOneKibibyte = 1024 - EnvelopeSealer.KEY_AGREEMENT_OVERHEAD - 4;
        for (int length : new int[] {0, fitsOneKibibyte, fitsOneKibibyte + 1, Limits.MAX_KEY_AGREEMENT_BYTES}) {
            Bytes content = Bytes.of(new byte[length]);
            Envelope envelope = alexSealer.sealKeyAgreement(content, prekey, route.addresses().get(0), route.serviceKey());
            assertEquals(length <= fitsOneKibibyte ? 1024 : length <= 2048 - 53 ? 2048 : 8192,
                    envelope.ciphertext().length(), "length " + length);
            assertTrue(envelope.carriesKeyAgreement());
            assertEquals(content, Bytes.of(EnvelopeSealer.openKeyAgreement(envelope, pending.signedPrekey())));
        }
        assertThrows(IllegalArgumentException.class, () -> alexSealer.sealKeyAgreement(
                Bytes.of(new byte[Limits.MAX_KEY_AGREEMENT_BYTES + 1]), prekey, route.addresses().get(0),
                route.serviceKey()));
    }

    @Test
    void sealingAKeyAgreementToALowOrderPrekeyIsRefusedAsMisuse() {
        DeliveryRoute route = pending.invitation().routes().get(0);
        assertThrows(IllegalArgumentException.class, () -> alexSealer.sealKeyAgreement(acceptance.keyAgreement(),
                Bytes.of(new byte[32]), route.addresses().get(0), route.serviceKey()));
    }

    @Test
    void keyAgreementEnvelopeRevealsNothingOfTheKeyAgreementToTheReceivingService() throws Exception {
        byte[] ciphertext = keyAgreementEnvelope(acceptance, pending).ciphertext().toByteArray();
        byte[] agreement = acceptance.keyAgreement().toByteArray();
        for (int offset = 0; offset + 16 <= agreement.length; offset += 16) {
            assertEquals(-1, indexOf(ciphertext, java.util.Arrays.copyOfRange(agreement, offset, offset + 16)),
                    "key agreement bytes " + offset + ".." + (offset + 16) + " readable in the envelope");
        }
    }

    @Test
    void ciphertextLengthsFallIntoBucketsSoSimilarSizesLookAlike() {
        int small = alexSends(acceptance.state(), new byte[100]).envelope().ciphertext().length();
        int larger = alexSends(acceptance.state(), new byte[800]).envelope().ciphertext().length();
        int tenKilobytes = alexSends(acceptance.state(), new byte[10_240]).envelope().ciphertext().length();
        assertEquals(1024, small);
        assertEquals(small, larger);
        assertEquals(16_384, tenKilobytes);
        assertTrue(Limits.CIPHERTEXT_BUCKETS.contains(tenKilobytes));
    }

    @Test
    void envelopeCarriesNoSenderIdentityOrAddress() {
        byte[] encoded = EnvelopeCodec.encode(alexSends(acceptance.state(), "x".getBytes()).envelope());
        for (Bytes secret : List.of(acceptance.identity().signing().publicKey(),
                acceptance.identity().agreement().publicKey(), alex.root.value(), blair.root.value(),
                pending.invitation().routes().get(0).addresses().get(1).signature())) {
            assertEquals(-1, indexOf(encoded, secret.toByteArray()));
        }
    }

    @Test
    void twoEnvelopesToTheSameAddressShareNoAddressBytes() {
        DiversifiedAddress first = alexSends(acceptance.state(), "a".getBytes()).envelope().address();
        DiversifiedAddress second = alexSends(acceptance.state(), "a".getBytes()).envelope().address();
        assertNotEquals(first.sealed(), second.sealed());
    }

    @Test
    void envelopeForARetiredKeyGenerationIsRefused() throws Exception {
        Envelope envelope = alexSends(acceptance.state(), "x".getBytes()).envelope();
        var rotated = blair.serviceKeys.rotate(blair.entropy).retire(1);
        assertThrows(UnknownKeyGenerationException.class,
                () -> AddressResolver.resolveAndVerify(rotated, envelope.address(), NOW, blair.directory()));
    }

    @Test
    void alteredCiphertextIsRefusedAndStateIsUnchanged() throws Exception {
        Envelope envelope = alexSends(acceptance.state(), "x".getBytes()).envelope();
        byte[] ciphertext = envelope.ciphertext().toByteArray();
        ciphertext[ciphertext.length / 2] ^= 1;
        Envelope altered = new Envelope(envelope.address(), Bytes.of(ciphertext));
        RatchetState before = completion.state();
        assertThrows(RatchetException.class, () -> blairSealer.open(before, altered));
        assertEquals("x", new String(((PayloadItem.Email) blairSealer.open(before, envelope).payload().items().get(0))
                .message().toByteArray()));
    }

    @Test
    void hostileEnvelopeBytesAreRefusedWithEnvelopeErrors() {
        byte[] encoded = EnvelopeCodec.encode(alexSends(acceptance.state(), "x".getBytes()).envelope());
        byte[] otherVersion = encoded.clone();
        otherVersion[0] = 9;
        assertThrows(UnsupportedEnvelopeVersionException.class, () -> EnvelopeCodec.decode(otherVersion));
        assertThrows(EnvelopeTooLargeException.class, () -> EnvelopeCodec.decode(new byte[Limits.MAX_ENVELOPE_BYTES + 1]));
        for (int length = 0; length < encoded.length; length += 97) {
            byte[] truncated = java.util.Arrays.copyOf(encoded, length);
            assertThrows(MalformedEnvelopeException.class, () -> EnvelopeCodec.decode(truncated));
        }
    }

    @Test
    void nonZeroPaddingIsRefused() {
        byte[] padded = Padding.pad("abc".getBytes());
        padded[padded.length - 1] = 1;
        assertThrows(MalformedPaddingException.class, () -> Padding.unpad(padded));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
