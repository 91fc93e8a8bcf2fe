package dev.liaison.gateway.transport.send;

import dev.liaison.gateway.transport.EnvelopeBytes;
import dev.liaison.gateway.transport.EnvelopeId;

import java.net.URI;
import java.time.Instant;
import java.util.UUID;

/**
 * An outbound envelope leased to one worker: only the holder of {@code claimToken} may record
 * its outcome, and only until the lease ends.
 *
 * @param attempt 1 for the first POST, 2 for the first resend, …
 */
public record ClaimedEnvelope(long row, UUID claimToken, EnvelopeId id, URI destination, EnvelopeBytes envelope,
                              int attempt, Instant expiresAt) {
}
