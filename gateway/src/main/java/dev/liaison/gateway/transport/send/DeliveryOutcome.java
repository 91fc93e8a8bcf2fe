package dev.liaison.gateway.transport.send;

import java.time.Duration;

/** What one POST of an envelope achieved. */
public sealed interface DeliveryOutcome {

    /** The receiver answered 2xx: it holds the envelope durably. */
    record Delivered(int status) implements DeliveryOutcome {
    }

    /**
     * A transient failure (no connection, timeout, 429, 5xx): try again later.
     *
     * @param retryAfter the receiver's Retry-After, or {@link Duration#ZERO} if it gave none
     */
    record Retry(String reason, Duration retryAfter) implements DeliveryOutcome {
    }

    /** The receiver refused the envelope itself (4xx other than 408/429): resending cannot help. */
    record Rejected(String reason) implements DeliveryOutcome {
    }
}
