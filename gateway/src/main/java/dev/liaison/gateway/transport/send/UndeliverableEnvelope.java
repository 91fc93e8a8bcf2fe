package dev.liaison.gateway.transport.send;

import dev.liaison.gateway.transport.EnvelopeBytes;
import dev.liaison.gateway.transport.EnvelopeId;

import java.net.URI;
import java.time.Instant;

/**
 * An envelope the sending service gave up on, handed to the {@link ExpiryListener} once.
 *
 * @param lastError the last failure seen ("connection refused", "HTTP 503"), empty if none was recorded
 */
public record UndeliverableEnvelope(EnvelopeId id, URI destination, EnvelopeBytes envelope, Instant enqueuedAt,
                                    int attempts, Reason reason, String lastError) {

    /** Why delivery ended. */
    public enum Reason {
        /** Not accepted before its expiry time; the receiver may be down for good. */
        EXPIRED,
        /** The receiver refused it permanently (400, 404, 405, 413, 415…): resending cannot help. */
        REJECTED
    }
}
