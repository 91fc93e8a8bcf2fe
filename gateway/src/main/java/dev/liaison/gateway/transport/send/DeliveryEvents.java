package dev.liaison.gateway.transport.send;

/**
 * What the sending service reports as it works, for the gateway's metrics; the transport keeps no
 * counters itself. Contract: called on a delivery thread after the attempt's outcome was recorded;
 * implementations are quick, never block and never throw. The destination is named by host only
 * (the receiving service), never by its full URL.
 */
public interface DeliveryEvents {

    /** Reports nothing. */
    DeliveryEvents NONE = new DeliveryEvents() {
    };

    /**
     * One POST of an envelope ended.
     *
     * @param host    the destination's host name, as in its URL
     * @param outcome what the receiver's answer (or its absence) meant
     * @param nanos   how long the POST took
     */
    default void attempted(String host, DeliveryOutcome outcome, long nanos) {
    }
}
