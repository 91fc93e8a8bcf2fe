package dev.liaison.smtp.submission;

/**
 * What the submission service reports as it works, for gateway's metrics: smtp-in keeps no
 * counters and depends on no metrics library. Contract: called on the SMTP I/O threads, so an
 * implementation is quick, never blocks and never throws; every method has a no-op default.
 * Nothing passed names a user or an address: only outcomes, counts, sizes and durations.
 */
public interface SubmissionEvents {

    /** Reports nothing. */
    SubmissionEvents NONE = new SubmissionEvents() {
    };

    /** A client connected (after the connection limits let it in). */
    default void sessionOpened() {
    }

    /** A client's connection ended, however it ended. */
    default void sessionClosed() {
    }

    /** An AUTH attempt was answered. */
    default void authenticated(AuthOutcome outcome) {
    }

    /** A RCPT was refused; {@code verdict} is never {@link RecipientVerdict#ACCEPT}. */
    default void recipientRefused(RecipientVerdict verdict) {
    }

    /**
     * A transaction ended at the end of DATA, or at MAIL when a declared {@code SIZE} found no room
     * ({@link TransactionOutcome#DEFERRED_BUSY}, with no recipients and the declared size).
     *
     * @param recipients  accepted RCPTs
     * @param octets      message size (as received, or up to the refusal; at MAIL, the declared size)
     * @param commitNanos how long the {@link SubmissionHandler} took; 0 when it was not asked
     */
    default void transactionEnded(TransactionOutcome outcome, int recipients, long octets, long commitNanos) {
    }

    /** How an AUTH attempt was answered. */
    enum AuthOutcome {
        /** 235. */
        SUCCEEDED,
        /** 535: unknown login or wrong password. */
        INVALID,
        /** 454: refused unchecked, the client's address or the login is being throttled. */
        THROTTLED,
        /** 454: the credentials could not be checked now. */
        UNAVAILABLE
    }

    /** How a transaction ended. */
    enum TransactionOutcome {
        /** 250: the handler committed the message. */
        ACCEPTED,
        /**
         * 552/554: refused while it streamed in: a limit broken (552 5.3.4: size, line, header), or a
         * header that is not well formed (554 5.6.0: a line that is no field, a once-only field twice).
         */
        REFUSED_LIMITS,
        /**
         * 452 4.3.1: the server (or this login's quarter) held as many message octets as it may, when
         * the message streamed in or already at MAIL for a declared {@code SIZE}; the client retries.
         */
        DEFERRED_BUSY,
        /** 5xx: the handler refused it permanently. */
        REFUSED,
        /** 451: the handler failed; the client keeps the message and retries. */
        NOT_COMMITTED
    }
}
