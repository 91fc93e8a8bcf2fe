package dev.liaison.gateway.transport.receive;

import dev.liaison.gateway.transport.Limits;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What {@code GET /.well-known/communicator.json} publishes about this receiving service.
 *
 * @param serviceId        a stable identifier of this receiving service
 * @param endpoint         the URL senders POST envelopes to
 * @param keys             the address-diversification public keys senders may use: the current
 *                         generation and the previous ones still inside their grace period
 * @param maxEnvelopeBytes the largest envelope this service accepts
 */
public record ServiceDescription(String serviceId, URI endpoint, List<KeyGeneration> keys, int maxEnvelopeBytes) {

    public ServiceDescription {
        Objects.requireNonNull(serviceId, "serviceId");
        Objects.requireNonNull(endpoint, "endpoint");
        keys = List.copyOf(keys);
        if (maxEnvelopeBytes < 1 || maxEnvelopeBytes > Limits.MAX_ENVELOPE_BYTES) {
            throw new IllegalArgumentException("maximum envelope size " + maxEnvelopeBytes + " outside 1.."
                    + Limits.MAX_ENVELOPE_BYTES);
        }
    }

    /**
     * One generation of the service's public diversification key.
     *
     * @param publicKey  the encoded public key, base64url without padding (format: docs/protocol.md)
     * @param current    whether senders should diversify with this generation now
     * @param validUntil when addresses diversified under this generation stop resolving
     */
    public record KeyGeneration(int generation, String publicKey, boolean current, Instant validUntil) {

        public KeyGeneration {
            if (generation < 0) {
                throw new IllegalArgumentException("key generation " + generation + " is negative");
            }
            if (!publicKey.matches("[A-Za-z0-9_-]{1,4096}")) {
                throw new IllegalArgumentException("public key of generation " + generation
                        + " is not 1..4096 base64url characters");
            }
            Objects.requireNonNull(validUntil, "validUntil");
        }
    }
}
