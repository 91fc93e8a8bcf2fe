package dev.liaison.gateway.transport.receive;

import dev.liaison.gateway.transport.EnvelopeBytes;
import dev.liaison.gateway.transport.EnvelopeId;

import java.time.Instant;

/**
 * A stored envelope handed to the {@link InboundProcessor}.
 *
 * @param resolution {@link EnvelopeAcceptor.Resolved} with the recipient, or {@link EnvelopeAcceptor.Deferred}
 * @param attempt    1 the first time it is processed, more after failures
 */
public record InboundEnvelope(EnvelopeId id, EnvelopeBytes envelope, EnvelopeAcceptor.Verdict resolution,
                              PeerAddress peer, Instant receivedAt, int attempt) {
}
