package dev.liaison.gateway.transport.send;

import dev.liaison.gateway.transport.EnvelopeBytes;
import dev.liaison.gateway.transport.EnvelopeId;
import dev.liaison.gateway.transport.Limits;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * One envelope to carry: its idempotency key, the receiving service's envelope endpoint
 * ({@code https://host[:port]/communicator/v1/envelopes}) and the opaque envelope bytes. Legacy
 * email queues a message the same way, its destination {@code smtp://recipient-domain}.
 */
public record OutboundEnvelope(EnvelopeId id, URI destination, EnvelopeBytes envelope) {

    public OutboundEnvelope {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(envelope, "envelope");
        checkDestination(destination);
    }

    static void checkDestination(URI destination) {
        Objects.requireNonNull(destination, "destination");
        String scheme = destination.getScheme() == null ? "" : destination.getScheme().toLowerCase(Locale.ROOT);
        if (!destination.isAbsolute() || !(scheme.equals("https") || scheme.equals("http") || scheme.equals("smtp"))
                || destination.getHost() == null || destination.getRawUserInfo() != null) {
            throw new IllegalArgumentException("destination '" + destination
                    + "' is not an absolute http(s) or smtp URL with a host and no user info");
        }
        if (destination.toString().length() > Limits.MAX_DESTINATION_LENGTH) {
            throw new IllegalArgumentException("destination URL of " + destination.toString().length()
                    + " characters exceeds the limit of " + Limits.MAX_DESTINATION_LENGTH);
        }
    }
}
