package dev.liaison.gateway.fuzzing;

import static dev.liaison.gateway.ProtocolFixture.NOW;

import dev.liaison.gateway.ProtocolFixture;
import dev.liaison.gateway.address.AddressException;
import dev.liaison.gateway.address.AddressResolver;
import dev.liaison.gateway.address.ServiceKeyRing;
import dev.liaison.gateway.address.SignedAddress;
import dev.liaison.gateway.envelope.Envelope;
import dev.liaison.gateway.envelope.EnvelopeCodec;
import dev.liaison.gateway.envelope.EnvelopeException;
import dev.liaison.gateway.envelope.EnvelopeSealer;
import dev.liaison.gateway.envelope.Padding;
import dev.liaison.gateway.invitation.Acceptance;
import dev.liaison.gateway.invitation.AcceptorProfile;
import dev.liaison.gateway.invitation.Completion;
import dev.liaison.gateway.invitation.InvitationAcceptor;
import dev.liaison.gateway.invitation.InvitationCodec;
import dev.liaison.gateway.invitation.InvitationException;
import dev.liaison.gateway.invitation.InvitationIssuer;
import dev.liaison.gateway.invitation.PendingInvitation;
import dev.liaison.gateway.payload.Payload;
import dev.liaison.gateway.payload.PayloadCodec;
import dev.liaison.gateway.payload.PayloadException;
import dev.liaison.gateway.payload.PayloadItem;
import dev.liaison.gateway.ratchet.RatchetException;
import dev.liaison.gateway.ratchet.RatchetState;
import dev.liaison.gateway.wire.Bytes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every decoder that sees bytes from outside (or from storage), each wrapped so that its one
 * documented exception is the expected outcome and anything else escapes as a finding. Shared by
 * the Jazzer fuzz tests and the deterministic robustness test; {@link #samples()} gives valid
 * encodings to mutate from, and {@link #main} writes them as the Jazzer seed corpus.
 */
final class DecoderTargets {
    /** A decoder whose documented failure is caught; any other throwable is a bug. */
    @FunctionalInterface
    interface Target {
        void feed(byte[] input) throws Exception;
    }

    static final ProtocolFixture BLAIR = new ProtocolFixture("fuzz blair");
    static final ProtocolFixture ALEX = new ProtocolFixture("fuzz alex");
    static final PendingInvitation PENDING = new InvitationIssuer(BLAIR.entropy, BLAIR.ratchet)
            .issue("Blair", List.of(BLAIR.route(2)), NOW, Duration.ofDays(2));
    static final Acceptance ACCEPTANCE;
    static final Completion COMPLETION;
    static final Envelope ENVELOPE;

    static {
        try {
            ACCEPTANCE = new InvitationAcceptor(ALEX.entropy, ALEX.ratchet)
                    .accept(PENDING.invitation(), new AcceptorProfile("Alex", List.of(ALEX.route(1))), NOW);
            COMPLETION = new InvitationIssuer(BLAIR.entropy, BLAIR.ratchet)
                    .complete(PENDING, ACCEPTANCE.keyAgreement().toByteArray(), NOW);
            var route = PENDING.invitation().routes().get(0);
            ENVELOPE = new EnvelopeSealer(ALEX.ratchet, ALEX.diversifier).seal(ACCEPTANCE.state(),
                    Payload.of(ALEX.entropy, List.of(new PayloadItem.Email(Bytes.of("Subject: x\r\n\r\nhi".getBytes())))),
                    route.addresses().get(0), route.serviceKey()).envelope();
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static final EnvelopeSealer SEALER = new EnvelopeSealer(BLAIR.ratchet, BLAIR.diversifier);
    static final InvitationIssuer ISSUER = new InvitationIssuer(BLAIR.entropy, BLAIR.ratchet);

    private DecoderTargets() {
    }

    static void envelope(byte[] input) {
        try {
            Envelope envelope = EnvelopeCodec.decode(input);
            AddressResolver.resolveAndVerify(BLAIR.serviceKeys, envelope.address(), NOW, BLAIR.directory());
            if (envelope.carriesKeyAgreement()) {
                ISSUER.complete(PENDING, EnvelopeSealer.openKeyAgreement(envelope, PENDING.signedPrekey()), NOW);
            } else {
                SEALER.open(COMPLETION.state(), envelope);
            }
        } catch (EnvelopeException | AddressException | RatchetException | PayloadException
                 | InvitationException expected) {
            // documented refusals
        }
    }

    static void ratchetMessage(byte[] input) {
        try {
            BLAIR.ratchet.open(COMPLETION.state(), input);
        } catch (RatchetException expected) {
            // documented refusal
        }
    }

    static void ratchetState(byte[] input) {
        try {
            RatchetState.decode(input);
        } catch (RatchetException expected) {
            // documented refusal
        }
    }

    static void payload(byte[] input) {
        try {
            PayloadCodec.decode(input);
            Padding.unpad(input);
        } catch (PayloadException | EnvelopeException expected) {
            // documented refusals
        }
    }

    static void invitation(byte[] input) {
        try {
            InvitationCodec.decode(input);
        } catch (InvitationException expected) {
            // documented refusal
        }
        try {
            InvitationCodec.fromUri(new String(input, StandardCharsets.ISO_8859_1));
        } catch (InvitationException expected) {
            // documented refusal
        }
    }

    static void keyAgreement(byte[] input) {
        try {
            ISSUER.complete(PENDING, input, NOW);
        } catch (InvitationException expected) {
            // documented refusal
        }
    }

    static void storedKeys(byte[] input) {
        try {
            SignedAddress.decode(input);
        } catch (AddressException expected) {
            // documented refusal
        }
        try {
            ServiceKeyRing.decode(input);
        } catch (AddressException expected) {
            // documented refusal
        }
        try {
            PendingInvitation.decode(input);
        } catch (InvitationException expected) {
            // documented refusal
        }
    }

    /** Valid encodings per target, the starting points for mutation. */
    static Map<String, Target> targets() {
        Map<String, Target> targets = new LinkedHashMap<>();
        targets.put("envelope", DecoderTargets::envelope);
        targets.put("ratchetMessage", DecoderTargets::ratchetMessage);
        targets.put("ratchetState", DecoderTargets::ratchetState);
        targets.put("payload", DecoderTargets::payload);
        targets.put("invitation", DecoderTargets::invitation);
        targets.put("keyAgreement", DecoderTargets::keyAgreement);
        targets.put("storedKeys", DecoderTargets::storedKeys);
        return targets;
    }

    static Map<String, List<byte[]>> samples() {
        Map<String, List<byte[]>> samples = new LinkedHashMap<>();
        var route = PENDING.invitation().routes().get(0);
        samples.put("envelope", List.of(EnvelopeCodec.encode(ENVELOPE), EnvelopeCodec.encode(
                new EnvelopeSealer(ALEX.ratchet, ALEX.diversifier, ALEX.entropy).sealKeyAgreement(
                        ACCEPTANCE.keyAgreement(), PENDING.invitation().signedPrekey(), route.addresses().get(1),
                        route.serviceKey()))));
        samples.put("ratchetMessage", List.of(ENVELOPE.ciphertext().toByteArray()));
        samples.put("ratchetState", List.of(COMPLETION.state().encode(), ACCEPTANCE.state().encode()));
        samples.put("payload", List.of(PayloadCodec.encode(Payload.of(ALEX.entropy, List.of(
                new PayloadItem.Email(Bytes.of("a".getBytes())), new PayloadItem.DisplayName("n"),
                new PayloadItem.Routes(List.of(ALEX.route(1))),
                new PayloadItem.Acknowledgement(List.of(Bytes.of(new byte[16]))),
                new PayloadItem.RelationshipEnded())))));
        samples.put("invitation", List.of(PENDING.invitation().encode(),
                InvitationCodec.uri(PENDING.invitation()).getBytes(StandardCharsets.ISO_8859_1)));
        samples.put("keyAgreement", List.of(ACCEPTANCE.keyAgreement().toByteArray()));
        samples.put("storedKeys", List.of(BLAIR.route(1).addresses().get(0).encode(), BLAIR.serviceKeys.encode(),
                PENDING.encode()));
        return samples;
    }

    /** Writes {@link #samples()} as the Jazzer seed corpus under the given test-resources root. */
    public static void main(String[] args) throws Exception {
        java.nio.file.Path root = java.nio.file.Path.of(args[0], "dev/liaison/gateway/fuzzing/DecoderFuzzTestInputs");
        for (var entry : samples().entrySet()) {
            java.nio.file.Path directory = root.resolve(entry.getKey());
            java.nio.file.Files.createDirectories(directory);
            int index = 0;
            for (byte[] sample : entry.getValue()) {
                java.nio.file.Files.write(directory.resolve("valid-" + index++), sample);
            }
        }
    }
}
