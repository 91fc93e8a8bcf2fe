package dev.liaison.gateway.transport.receive;

import java.sql.Connection;

/**
 * Turns a stored envelope into delivered mail (the relay: resolve if deferred, decrypt, verify,
 * advance the ratchet, deliver to the INBOX).
 *
 * <p>Contract: called with the envelope's row locked, inside one transaction that also records
 * the returned outcome (the intake's, for a resolved envelope on arrival, else a worker's); the
 * implementation writes on {@code connection} and never commits. If it throws, everything it
 * wrote rolls back and the envelope is offered again later (a failure on arrival only hands it to
 * the workers; theirs are counted); after {@link dev.liaison.gateway.transport.Limits#MAX_PROCESSING_ATTEMPTS}
 * failures it is quarantined (kept for the administrator), never dropped. No network I/O.
 */
@FunctionalInterface
public interface InboundProcessor {

    Outcome process(Connection connection, InboundEnvelope envelope) throws Exception;

    /** What processing decided; it is committed together with the processor's own writes. */
    sealed interface Outcome {
    }

    /** Delivered (or deliberately dropped, e.g. a blocked relationship): only the id is kept. */
    record Done() implements Outcome {
    }

    /** The address did not resolve: counted against the peer that sent it, only the id is kept. */
    record Unresolvable() implements Outcome {
    }

    /** Must never be delivered (fails to decrypt or verify): kept whole in quarantine. */
    record Quarantine(String reason) implements Outcome {
    }
}
