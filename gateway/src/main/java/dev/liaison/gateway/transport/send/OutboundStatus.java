package dev.liaison.gateway.transport.send;

import java.time.Instant;

/** Where one envelope stands in the outbound queue (for administrators and tests). */
public record OutboundStatus(State state, int attempts, Instant nextAttemptAt, String lastError) {

    /** Lifecycle of a queue row; the names are the {@code state} column's values. */
    public enum State { PENDING, DELIVERED, REJECTED, EXPIRED }
}
