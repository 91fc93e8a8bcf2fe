package dev.liaison.gateway.transport.receive;

import dev.liaison.gateway.transport.EnvelopeId;

import java.time.Instant;
import java.util.Optional;

/**
 * A quarantined inbound envelope as the administrator sees it: metadata only, never the bytes.
 * {@code relationship} is the local relationship its address resolved to, when it did (its id, as
 * {@code liaison relationship list} shows it).
 */
public record QuarantinedEnvelope(EnvelopeId id, Instant receivedAt, int failures, String reason, int size,
                                  Optional<Long> relationship) {
}
