package dev.liaison.gateway.transport.send;

import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A peer picks the URLs it is reached at; the relay must not POST into the operator's own network for it. */
class PrivateDestinationTest {

    @Test
    void loopbackPrivateLinkLocalAndUniqueLocalAddressesAreRefused() {
        for (String host : new String[]{"127.0.0.1", "localhost", "10.1.2.3", "172.16.0.9", "192.168.1.1",
                "169.254.169.254", "0.0.0.0", "[::1]", "[fd12:3456::1]", "[fe80::1]"}) {
            assertTrue(EnvelopePoster.privateDestination(URI.create("https://" + host + ":8443/x")).isPresent(), host);
        }
    }

    @Test
    void publicAddressesPass() {
        for (String host : new String[]{"192.0.2.10", "8.8.8.8", "[2001:db8::1]"}) {
            assertFalse(EnvelopePoster.privateDestination(URI.create("https://" + host + "/x")).isPresent(), host);
        }
    }

    @Test
    void aStrictPosterRejectsAPrivateDestinationWithoutConnecting() throws Exception {
        var poster = new EnvelopePoster(javax.net.ssl.SSLContext.getDefault(), false);
        var envelope = new ClaimedEnvelope(1, java.util.UUID.randomUUID(), dev.liaison.gateway.transport.EnvelopeId.random(),
                URI.create("https://127.0.0.1:1/communicator/v1/envelopes"),
                dev.liaison.gateway.transport.EnvelopeBytes.copyOf(new byte[]{1}), 1, java.time.Instant.now().plusSeconds(60));
        var outcome = assertInstanceOf(DeliveryOutcome.Rejected.class, poster.post(envelope));
        assertTrue(outcome.reason().contains("private address"), outcome.reason());
    }

    @Test
    void aDestinationThatDoesNotResolveIsRetriedSayingSo() throws Exception {
        var poster = new EnvelopePoster(javax.net.ssl.SSLContext.getDefault(), true);
        var envelope = new ClaimedEnvelope(1, java.util.UUID.randomUUID(), dev.liaison.gateway.transport.EnvelopeId.random(),
                URI.create("https://gateway.no-such-name.invalid:8443/communicator/v1/envelopes"),
                dev.liaison.gateway.transport.EnvelopeBytes.copyOf(new byte[]{1}), 1, java.time.Instant.now().plusSeconds(60));
        var outcome = assertInstanceOf(DeliveryOutcome.Retry.class, poster.post(envelope));
        assertTrue(outcome.reason().contains("gateway.no-such-name.invalid does not resolve"), outcome.reason());
    }
}
