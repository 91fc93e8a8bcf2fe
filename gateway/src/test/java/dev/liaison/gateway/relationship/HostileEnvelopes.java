package dev.liaison.gateway.relationship;

import dev.liaison.gateway.address.AddressDiversifier;
import dev.liaison.gateway.address.DiversificationKey;
import dev.liaison.gateway.address.RootAddress;
import dev.liaison.gateway.address.SignedAddress;
import dev.liaison.gateway.envelope.Envelope;
import dev.liaison.gateway.envelope.EnvelopeCodec;
import dev.liaison.gateway.envelope.EnvelopeException;
import dev.liaison.gateway.primitive.Entropy;
import dev.liaison.gateway.primitive.Signing;
import dev.liaison.gateway.tls.TrustingClients;
import dev.liaison.gateway.wire.Bytes;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

/**
 * What an attacker on the network or a misbehaving peer can make of one genuine envelope
 * (docs/protocol.md §8.2: {@code u8 version || u32 generation || u16 188 || SDA || u32 length ||
 * ratchet message}, the ratchet message being {@code u8 version || 12 nonce || 56 encrypted header
 * || body}), and a client that POSTs envelopes straight to a receiving service.
 */
final class HostileEnvelopes {

    static final int GENERATION_AT = 1;
    static final int ADDRESS_AT = 7;
    static final int ADDRESS_LENGTH = 188;
    static final int RATCHET_MESSAGE_AT = ADDRESS_AT + ADDRESS_LENGTH + 4;
    static final int ENCRYPTED_HEADER_AT = RATCHET_MESSAGE_AT + 1 + 12;
    static final int BODY_AT = ENCRYPTED_HEADER_AT + 56;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] genuine;

    HostileEnvelopes(byte[] genuine) {
        this.genuine = genuine.clone();
    }

    byte[] genuine() {
        return genuine.clone();
    }

    /** The genuine envelope with one bit flipped at {@code offset}. */
    byte[] flipped(int offset) {
        byte[] copy = genuine();
        copy[offset] ^= 0x01;
        return copy;
    }

    /** The genuine envelope's address with a ratchet message of random bytes (same length, valid version byte). */
    byte[] forgedContent() {
        byte[] copy = genuine();
        byte[] noise = new byte[copy.length - RATCHET_MESSAGE_AT - 1];
        RANDOM.nextBytes(noise);
        System.arraycopy(noise, 0, copy, RATCHET_MESSAGE_AT + 1, noise.length);
        return copy;
    }

    /** The genuine envelope with its 188-byte sealed address replaced by random bytes. */
    byte[] randomAddress() {
        byte[] copy = genuine();
        byte[] noise = new byte[ADDRESS_LENGTH];
        RANDOM.nextBytes(noise);
        System.arraycopy(noise, 0, copy, ADDRESS_AT, ADDRESS_LENGTH);
        return copy;
    }

    /** The genuine envelope claiming a key generation the receiving service never had. */
    byte[] unknownGeneration() {
        byte[] copy = genuine();
        copy[GENERATION_AT] = 0x7f;
        return copy;
    }

    /**
     * The genuine content under an address that is correctly sealed to the receiving service and
     * names the recipient's real root address, but is signed with a key the recipient never
     * registered: what someone who learned a root address (not its signing key) could make.
     */
    byte[] forgedSignature(Bytes root, DiversificationKey serviceKey) throws EnvelopeException {
        AddressDiversifier diversifier = new AddressDiversifier(Entropy.system());
        SignedAddress forged = diversifier.forRecipient(new RootAddress(root), serviceKey,
                Signing.generate(Entropy.system()), Instant.now().plus(Duration.ofDays(1)));
        Envelope original = EnvelopeCodec.decode(genuine);
        return EnvelopeCodec.encode(new Envelope(diversifier.forSender(forged, serviceKey), original.ciphertext()));
    }

    byte[] truncated() {
        return Arrays.copyOf(genuine, RATCHET_MESSAGE_AT + 10);
    }

    byte[] unknownVersion() {
        byte[] copy = genuine();
        copy[0] = 9;
        return copy;
    }

    /** 16 random bytes in unpadded base64url: 22 characters, as Liaison's sending service makes them. */
    static String newEnvelopeId() {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    }

    /** POSTs envelopes to one gateway's receiving service, trusting exactly that gateway's certificate. */
    static final class Poster {
        private final HttpClient http;
        private final URI endpoint;

        Poster(GatewayPair.Node node) throws Exception {
            this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .sslContext(TrustingClients.trusting(node.gateway.tls().certificate()))
                    .connectTimeout(Duration.ofSeconds(10)).build();
            this.endpoint = URI.create("https://localhost:" + node.httpPort + "/communicator/v1/envelopes");
        }

        /** The HTTP status the receiving service answers {@code envelope} under {@code envelopeId} with. */
        int post(String envelopeId, byte[] envelope) throws Exception {
            HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/octet-stream").header("Envelope-Id", envelopeId)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(envelope)).build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        }
    }
}
