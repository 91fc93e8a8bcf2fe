package dev.liaison.gateway.transport.receive;

/** Where one received envelope stands (for administrators and tests). */
public record InboundStatus(State state, int failures, String lastError, boolean bytesKept) {

    /** The {@code state} column's values. */
    public enum State { PENDING, DONE, DISCARDED, QUARANTINED }
}
