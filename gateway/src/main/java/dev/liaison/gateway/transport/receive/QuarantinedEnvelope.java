package dev.liaison.gateway.transport.receive;

import dev.liaison.gateway.transport.EnvelopeId;

import java.time.Instant;

/** A quarantined inbound envelope as the administrator sees it: metadata only, never the bytes. */
public record QuarantinedEnvelope(EnvelopeId id, Instant receivedAt, int failures, String reason, int size) {
}
