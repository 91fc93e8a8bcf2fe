package dev.liaison.gateway.transport.receive;

/**
 * What the receiving service reports as it works, for the gateway's metrics; the transport keeps
 * no counters itself. Contract: called on the listener's blocking threads and the processing
 * threads, after the transaction concerned ended; implementations are quick, never block and never
 * throw. Nothing passed names a peer, an address or an envelope.
 */
public interface ReceivingEvents {

    /** Reports nothing. */
    ReceivingEvents NONE = new ReceivingEvents() {
    };

    /** A POSTed envelope was answered (stored ones after the commit). */
    default void received(Reception reception) {
    }

    /** A stored envelope's processing transaction ended after {@code nanos}. */
    default void processed(Processing outcome, long nanos) {
    }

    /** How a POSTed envelope was answered. */
    enum Reception {
        /** 202, stored for a resolved recipient. */
        RESOLVED,
        /** 202, stored; the processor resolves it. */
        DEFERRED,
        /** 202, only its id kept: the address does not resolve. */
        UNRESOLVABLE,
        /** 202, a resend of an envelope already stored. */
        DUPLICATE,
        /** 400, broken framing. */
        MALFORMED,
        /** 503, could not be stored now (the database). */
        UNAVAILABLE,
        /** 503 before the body: the receiver, or this peer's share of it, held as many envelope bytes as it may. */
        BUSY,
        /** The upload fell behind the pace and was cut off, unanswered. */
        CUT_OFF
    }

    /** What one processing transaction decided. */
    enum Processing {
        DONE,
        UNRESOLVABLE,
        QUARANTINED,
        /** The processor failed; the envelope is tried again later (or quarantined: then QUARANTINED). */
        FAILED
    }
}
