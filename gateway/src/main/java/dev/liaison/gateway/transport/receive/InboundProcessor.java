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

    /**
     * Delivered, or applied with nothing to file, or deliberately dropped (e.g. a blocked
     * relationship): only the id is kept. {@code disposition} and {@code reason} are for the
     * receiver's log line ({@code processed envelope=… outcome=<disposition> reason="<reason>"}):
     * fixed words of the processor's, never anything of the envelope, its peer or its owner.
     */
    record Done(Disposition disposition, String reason) implements Outcome {

        public Done {
            java.util.Objects.requireNonNull(disposition, "disposition");
            java.util.Objects.requireNonNull(reason, "reason");
        }

        /** Mail (or a notice) filed. */
        public Done() {
            this(Disposition.FILED, "");
        }

        public static Done filed(String reason) {
            return new Done(Disposition.FILED, reason);
        }

        /** Processed, nothing to file (an address update, acknowledgements). */
        public static Done applied(String reason) {
            return new Done(Disposition.APPLIED, reason);
        }

        /** Dropped on purpose: the reason says why (relationship ended, blocked, a repeat). */
        public static Done discarded(String reason) {
            return new Done(Disposition.DISCARDED, reason);
        }
    }

    /** What a {@link Done} envelope came to, as its log line says it. */
    enum Disposition {
        FILED, APPLIED, DISCARDED
    }

    /** The address did not resolve: counted against the peer that sent it, only the id is kept. */
    record Unresolvable() implements Outcome {
    }

    /** Must never be delivered (fails to decrypt or verify): kept whole in quarantine. */
    record Quarantine(String reason) implements Outcome {
    }
}
