package dev.liaison.gateway.specification;

import dev.liaison.gateway.address.AddressDiversifier;
import dev.liaison.gateway.address.DeliveryRoute;
import dev.liaison.gateway.address.DiversifiedAddress;
import dev.liaison.gateway.address.RootAddress;
import dev.liaison.gateway.address.ServiceKeyRing;
import dev.liaison.gateway.address.SignedAddress;
import dev.liaison.gateway.envelope.Envelope;
import dev.liaison.gateway.envelope.EnvelopeCodec;
import dev.liaison.gateway.envelope.EnvelopeSealer;
import dev.liaison.gateway.envelope.SealedEnvelope;
import dev.liaison.gateway.invitation.Acceptance;
import dev.liaison.gateway.invitation.AcceptorProfile;
import dev.liaison.gateway.invitation.Completion;
import dev.liaison.gateway.invitation.InvitationAcceptor;
import dev.liaison.gateway.invitation.InvitationCodec;
import dev.liaison.gateway.invitation.InvitationIssuer;
import dev.liaison.gateway.invitation.PendingInvitation;
import dev.liaison.gateway.payload.Payload;
import dev.liaison.gateway.payload.PayloadCodec;
import dev.liaison.gateway.payload.PayloadItem;
import dev.liaison.gateway.primitive.Signing;
import dev.liaison.gateway.primitive.SigningKeyPair;
import dev.liaison.gateway.ratchet.OpenedMessage;
import dev.liaison.gateway.ratchet.Ratchet;
import dev.liaison.gateway.ratchet.SealedMessage;
import dev.liaison.gateway.wire.Bytes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Regenerates the test vectors of docs/protocol.md: Blair (the inviter) and Alex (the acceptor),
 * each with a receiving service, run one full exchange from seeded entropy. Each vector lists its
 * random draws in order, its inputs and its outputs as hex, so another implementation can replay it
 * without our entropy construction. {@link #main} prints all blocks for editing the document.
 */
final class ProtocolVectors {
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant ADDRESS_EXPIRY = Instant.parse("2026-03-01T00:00:00Z");
    /** The clock the users' gateways cap address lifetimes against. */
    static final java.time.Clock CLOCK = java.time.Clock.fixed(NOW, java.time.ZoneOffset.UTC);
    static final String EMAIL = "From: Alex <alex@example>\r\nSubject: Hello\r\n\r\nHello Blair!\r\n";

    private ProtocolVectors() {
    }

    /** Vector name → the exact text of its block. */
    static Map<String, String> generate() throws Exception {
        Map<String, String> vectors = new LinkedHashMap<>();
        RecordingEntropy blairService = new RecordingEntropy("vector blair service");
        RecordingEntropy alexService = new RecordingEntropy("vector alex service");
        RecordingEntropy blair = new RecordingEntropy("vector blair");
        RecordingEntropy alex = new RecordingEntropy("vector alex");

        Block address = new Block();
        ServiceKeyRing blairKeys = ServiceKeyRing.create(blairService);
        RootAddress blairRoot = RootAddress.generate(blairService);
        SigningKeyPair blairAddressKey = Signing.generate(blair);
        blairService.drain();
        address.hex("service_private_key_generation_1", blairKeys.keyPair(1).orElseThrow().privateKey());
        address.hex("service_public_key_generation_1", blairKeys.currentKey().publicKey());
        address.hex("root_address", blairRoot.value());
        address.hex("address_signing_private_key", blairAddressKey.privateKey());
        address.hex("address_signing_public_key", blairAddressKey.publicKey());
        blair.drain();
        address.line("expiry", ADDRESS_EXPIRY.getEpochSecond() + " (" + ADDRESS_EXPIRY + ")");
        SignedAddress rdas = new AddressDiversifier(blair, CLOCK).forRecipient(blairRoot, blairKeys.currentKey(),
                blairAddressKey, ADDRESS_EXPIRY);
        address.draws("recipient diversification (user): HPKE skE", blair.drain());
        address.hex("signed_address (RDAS)", Bytes.of(rdas.encode()));
        DiversifiedAddress sda = new AddressDiversifier(alex, CLOCK).forSender(rdas, blairKeys.currentKey());
        address.draws("sender diversification (sender): HPKE skE", alex.drain());
        address.line("sda_generation", Integer.toString(sda.generation()));
        address.hex("sda_sealed", sda.sealed());
        vectors.put("address", address.text());

        DeliveryRoute blairRoute = new DeliveryRoute("https://rs.blair.example/communicator", blairKeys.currentKey(),
                List.of(rdas));
        Block invitation = new Block();
        Ratchet blairRatchet = new Ratchet(blair);
        PendingInvitation pending = new InvitationIssuer(blair, blairRatchet)
                .issue("Blair", List.of(blairRoute), NOW, Duration.ofDays(7));
        invitation.draws("issue (inviter)", blair.drain());
        invitation.line("now", NOW.getEpochSecond() + " (" + NOW + "), lifetime 7 days");
        invitation.line("display_name", "\"Blair\"");
        invitation.line("route", "service URL \"https://rs.blair.example/communicator\", the address vector's key and RDAS");
        invitation.hex("invitation", Bytes.of(pending.invitation().encode()));
        invitation.hex("invitation_hash", Bytes.of(pending.invitation().hash()));
        invitation.line("uri_prefix", InvitationCodec.URI_PREFIX + InvitationCodec.token(pending.invitation()).substring(0, 24) + "…");
        vectors.put("invitation", invitation.text());

        ServiceKeyRing alexKeys = ServiceKeyRing.create(alexService);
        RootAddress alexRoot = RootAddress.generate(alexService);
        SigningKeyPair alexAddressKey = Signing.generate(alexService);
        SignedAddress alexRdas = new AddressDiversifier(alexService, CLOCK).forRecipient(alexRoot, alexKeys.currentKey(),
                alexAddressKey, ADDRESS_EXPIRY);
        DeliveryRoute alexRoute = new DeliveryRoute("https://rs.alex.example/communicator", alexKeys.currentKey(),
                List.of(alexRdas));
        Block agreement = new Block();
        agreement.line("profile", "display name \"Alex\", one route: service URL \"https://rs.alex.example/communicator\"");
        agreement.hex("profile_route", Bytes.of(routeBytes(alexRoute)));
        Ratchet alexRatchet = new Ratchet(alex);
        Acceptance acceptance = new InvitationAcceptor(alex, alexRatchet)
                .accept(pending.invitation(), new AcceptorProfile("Alex", List.of(alexRoute)), NOW);
        agreement.draws("accept (acceptor)", alex.drain());
        agreement.hex("session_associated_data", acceptance.state().associatedData());
        agreement.hex("key_agreement", acceptance.keyAgreement());
        vectors.put("key-agreement", agreement.text());

        Block firstContact = new Block();
        Envelope sealedAgreement = new EnvelopeSealer(alexRatchet, new AddressDiversifier(alex, CLOCK), alex)
                .sealKeyAgreement(acceptance.keyAgreement(), pending.invitation().signedPrekey(), rdas,
                        blairKeys.currentKey());
        firstContact.line("recipient", "the invitation's SPK; the address vector's RDAS and service key");
        firstContact.draws("seal (acceptor): key agreement HPKE skE, then SDA HPKE skE", alex.drain());
        firstContact.line("padded_length", Integer.toString(sealedAgreement.ciphertext().length()
                - EnvelopeSealer.KEY_AGREEMENT_OVERHEAD));
        firstContact.hex("key_agreement_envelope", Bytes.of(EnvelopeCodec.encode(sealedAgreement)));
        byte[] opened = EnvelopeSealer.openKeyAgreement(EnvelopeCodec.decode(EnvelopeCodec.encode(sealedAgreement)),
                pending.signedPrekey());
        Completion completion = new InvitationIssuer(blair, blairRatchet).complete(pending, opened, NOW);
        firstContact.draws("complete (inviter): new DHs on the first ratchet step", blair.drain());
        vectors.put("key-agreement-envelope", firstContact.text());

        Block ratchet = new Block();
        SealedMessage fromBlair = blairRatchet.seal(completion.state(), "Hello Alex".getBytes(StandardCharsets.UTF_8));
        ratchet.draws("Blair seals \"Hello Alex\": header nonce", blair.drain());
        ratchet.hex("message_blair_1", fromBlair.message());
        OpenedMessage atAlex = alexRatchet.open(acceptance.state(), fromBlair.message().toByteArray());
        ratchet.draws("Alex opens it: new DHs on the ratchet step", alex.drain());
        SealedMessage fromAlex = alexRatchet.seal(atAlex.state(), "Hello Blair".getBytes(StandardCharsets.UTF_8));
        ratchet.draws("Alex seals \"Hello Blair\": header nonce", alex.drain());
        ratchet.hex("message_alex_2", fromAlex.message());
        SealedMessage secondFromAlex = alexRatchet.seal(fromAlex.state(), "Still there?".getBytes(StandardCharsets.UTF_8));
        ratchet.draws("Alex seals \"Still there?\": header nonce", alex.drain());
        ratchet.hex("message_alex_3", secondFromAlex.message());
        vectors.put("ratchet", ratchet.text());

        Block envelope = new Block();
        Payload payload = Payload.of(alex, List.of(new PayloadItem.Email(Bytes.of(EMAIL.getBytes(StandardCharsets.US_ASCII)))));
        envelope.draws("payload id", alex.drain());
        envelope.hex("payload", Bytes.of(PayloadCodec.encode(payload)));
        SealedEnvelope sealed = new EnvelopeSealer(alexRatchet, new AddressDiversifier(alex, CLOCK))
                .seal(secondFromAlex.state(), payload, rdas, blairKeys.currentKey());
        envelope.draws("seal: header nonce, then SDA HPKE skE", alex.drain());
        envelope.hex("envelope", Bytes.of(EnvelopeCodec.encode(sealed.envelope())));
        vectors.put("envelope", envelope.text());
        return vectors;
    }

    private static byte[] routeBytes(DeliveryRoute route) {
        var writer = new dev.liaison.gateway.wire.WireWriter(256);
        route.writeTo(writer);
        return writer.toByteArray();
    }

    public static void main(String[] args) throws Exception {
        for (var entry : generate().entrySet()) {
            System.out.println("<!-- vector:" + entry.getKey() + " -->");
            System.out.println("```text");
            System.out.print(entry.getValue());
            System.out.println("```");
            System.out.println();
        }
    }

    /** One vector's text: {@code name: value} lines, hex wrapped at 64 characters. */
    private static final class Block {
        private final StringBuilder text = new StringBuilder();

        void line(String name, String value) {
            text.append(name).append(": ").append(value).append('\n');
        }

        void hex(String name, Bytes value) {
            String hex = HexFormat.of().formatHex(value.toByteArray());
            text.append(name).append(" (").append(value.length()).append(" bytes):\n");
            for (int i = 0; i < hex.length(); i += 64) {
                text.append("  ").append(hex, i, Math.min(hex.length(), i + 64)).append('\n');
            }
        }

        void draws(String step, List<String> draws) {
            text.append("draws, ").append(step).append(":\n");
            for (String draw : draws) {
                text.append("  ").append(draw).append('\n');
            }
        }

        String text() {
            return text.toString();
        }
    }
}
